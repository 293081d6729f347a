import {
  type ArgumentsHost,
  Catch,
  type ExceptionFilter,
  HttpException,
  Inject,
  Injectable,
  Logger,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { AuthError, isAuthError } from '@portcullis/core';
import type { AuthResponse } from '@portcullis/core/adapter';
import { send } from './lib/platform.js';
import type { PortcullisModuleOptions } from './options.js';
import { PORTCULLIS_OPTIONS } from './options-token.js';

/**
 * The global filter `PortcullisModule` installs, so that every error has the contract's shape and headers:
 * - an `AuthError` (thrown, or the `cause` of the guard's exceptions) → `auth.errorResponse(error)`;
 * - 400, 404, 413 and 415 — the router's `NotFoundException`, the body parsers' errors, the app's own
 *   `BadRequestException`s — → `invalid_request` (400), `not_found`, `payload_too_large`, described in
 *   core's words, as on every framework (a `ValidationPipe`'s messages are kept, joined with "; "; throw
 *   an `AuthError` to choose the description);
 * - any other `HttpException` → Nest's usual body and status;
 * - anything else is a bug → logged like Nest's own filter does, answered 500 `server_error`.
 * Each answer carries the security headers. Outside HTTP it steps aside.
 *
 * @example @Module({ imports: [PortcullisModule.forRoot({ auth })] }) // installs it for the whole app
 */
@Catch()
@Injectable()
export class AuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionsHandler');

  constructor(
    @Inject(PORTCULLIS_OPTIONS) private readonly options: PortcullisModuleOptions,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') return; // RPC then falls back to Nest's own filter
    const adapter = this.adapterHost.httpAdapter;
    const response = host.switchToHttp().getResponse();
    if (adapter.isHeadersSent(response)) return void adapter.end(response);
    const error = contractError(exception);
    if (error === undefined && exception instanceof HttpException) {
      send(adapter, response, nestResponse(exception));
      return;
    }
    if (error === undefined) {
      if (exception instanceof Error) this.logger.error(exception.message, exception.stack);
      else this.logger.error(exception);
    }
    send(adapter, response, this.options.auth.errorResponse(error ?? exception));
  }
}

function contractError(exception: unknown): AuthError | undefined {
  if (isAuthError(exception)) return exception;
  if (exception instanceof HttpException && isAuthError(exception.cause)) return exception.cause;
  const status =
    exception instanceof HttpException
      ? exception.getStatus()
      : (exception as { statusCode?: unknown } | null)?.statusCode;
  // Core's wording, never the platform's: a parser's message quotes the body, the router's the URL.
  if (status === 404) return new AuthError('not_found', 'Not found');
  if (status === 413) return new AuthError('payload_too_large', 'Request body is too large');
  if (status !== 400 && status !== 415) return undefined;
  const list = exception instanceof HttpException ? Object(exception.getResponse()).message : undefined;
  if (Array.isArray(list)) return new AuthError('invalid_request', list.join('; '));
  // The messages of Express's (V8's) and Fastify's JSON parsers all say "JSON" or "application/json".
  const notJson = status === 415 || /json/i.test((exception as Error).message);
  return new AuthError('invalid_request', notJson ? 'Request body must be JSON' : 'Invalid request');
}

/** What Nest's own filter answers for an `HttpException`. */
function nestResponse(exception: HttpException): AuthResponse {
  const body = exception.getResponse();
  const status = exception.getStatus();
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    cookies: [],
    body: typeof body === 'object' ? body : { statusCode: status, message: body },
  };
}
