import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { isAuthError } from '@portcullis/core';
import {
  CredentialSources,
  PolicyRequirement,
  Public,
  RolesRequirement,
  ScopesRequirement,
} from './decorators.js';
import { type PlatformRequest, toAuthRequest } from './lib/platform.js';
import type { PortcullisModuleOptions } from './options.js';
import { PORTCULLIS_OPTIONS } from './options-token.js';

const REQUIREMENTS = [RolesRequirement, ScopesRequirement, PolicyRequirement];

/**
 * The global guard `PortcullisModule` installs: authenticates every route unless `@Public()`, sets
 * `request.auth`, then enforces `@Roles()`, `@Scopes()` and `@Requires()` through `auth.authorize`. A
 * handler's decorators beat its controller's: a `@Public()` controller's handler that declares `@Roles()`,
 * `@Scopes()`, `@Requires()` or `@Credentials()` is authenticated (it fails closed).
 *
 * A refusal is thrown as `UnauthorizedException` / `ForbiddenException` (another status as `HttpException`)
 * whose response is the contract's `{error, error_description}` and whose `cause` is core's `AuthError`:
 * other filters and interceptors see an ordinary Nest exception, and `AuthExceptionFilter` answers with
 * `auth.errorResponse(cause)`, `WWW-Authenticate` and `Retry-After` included. Outside HTTP (RPC, WebSocket)
 * it only lets `@Public()` handlers through: it fails closed.
 *
 * @example @Module({ imports: [PortcullisModule.forRoot({ auth })] }) // installs it for every route
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PORTCULLIS_OPTIONS) private readonly options: PortcullisModuleOptions,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.isPublic(context)) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<PlatformRequest>();
    const { auth, via } = this.options;
    try {
      const principal = await auth.authenticate(toAuthRequest(request), {
        via: this.reflector.getAllAndOverride(CredentialSources, targets) ?? via,
      });
      request.auth = principal;
      for (const decorator of REQUIREMENTS) {
        const requirement = this.reflector.getAllAndOverride(decorator, targets);
        if (requirement !== undefined) auth.authorize(principal, requirement);
      }
      return true;
    } catch (error) {
      throw toHttpException(error);
    }
  }

  /** `@Public()` on the handler; on the controller, unless the handler asks for credentials or a requirement. */
  private isPublic(context: ExecutionContext): boolean {
    const handler = context.getHandler();
    if (this.reflector.get(Public, handler)) return true;
    if (!this.reflector.get(Public, context.getClass())) return false;
    return [...REQUIREMENTS, CredentialSources].every((d) => this.reflector.get(d, handler) === undefined);
  }
}

function toHttpException(error: unknown): unknown {
  if (!isAuthError(error)) return error;
  const body = { error: error.code, error_description: error.message };
  if (error.status === 401) return new UnauthorizedException(body, { cause: error });
  if (error.status === 403) return new ForbiddenException(body, { cause: error });
  return new HttpException(body, error.status, { cause: error });
}
