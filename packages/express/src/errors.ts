import { AuthError, isAuthError } from '@portcullis/core';
import type { AdapterAuth } from '@portcullis/core/adapter';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import { sendAuthResponse } from './lib/translate.js';

function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, statusCode } = error as { status?: unknown; statusCode?: unknown };
  const value = typeof status === 'number' ? status : statusCode;
  return typeof value === 'number' ? value : undefined;
}

/**
 * The app's own words for a client error, when it marked them for the client: http-errors sets `expose`
 * on every 4xx it builds. Never body-parser's (they carry a `type`): a JSON parse error quotes the body.
 */
function exposedMessage(error: unknown): string | undefined {
  const { expose, type, message } = error as { expose?: unknown; type?: unknown; message?: unknown };
  if (expose !== true || type !== undefined || typeof message !== 'string' || message.length === 0)
    return undefined;
  return message;
}

/**
 * Express's own client errors (body-parser's 400/413/415, http-errors' 404…) and the app's (any error with
 * a 4xx `status` or `statusCode`) as `AuthError`s with that status, so that they get the contract's JSON
 * shape; the description is core's wording, or the error's message when it has `expose: true`.
 */
function toAuthError(error: unknown): unknown {
  if (isAuthError(error)) return error;
  const status = statusOf(error);
  if (status === undefined || status < 400 || status > 499) return error;
  const options = { cause: error };
  if (status === 413) return new AuthError('payload_too_large', 'Request body is too large', options);
  if (status === 404) return new AuthError('not_found', 'Not found', options);
  const parseFailed = (error as { type?: unknown }).type === 'entity.parse.failed';
  const description = parseFailed
    ? 'Request body must be JSON'
    : (exposedMessage(error) ?? 'Invalid request');
  return new AuthError('invalid_request', description, { ...options, status });
}

/** Error-handling middleware answering every error with `auth.errorResponse`. */
export function errorHandlerFor(auth: AdapterAuth): ErrorRequestHandler {
  return function portcullisErrorHandler(error, _req, res, next) {
    if (res.headersSent) return next(error);
    sendAuthResponse(res, auth.errorResponse(toAuthError(error)));
  };
}

/**
 * The last middleware of an app: forwards 404 `not_found` to the error handler, as express-generator's
 * `next(createError(404))` does, so that it is answered in the contract's shape.
 *
 * @example app.use(notFound); app.use(pc.errorHandler);
 */
export const notFound: RequestHandler = function portcullisNotFound(_req, _res, next) {
  next(new AuthError('not_found', 'Not found'));
};
