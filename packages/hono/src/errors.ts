import type { Auth, AuthErrorCode } from '@portcullis/core';
import { AuthError, isAuthError, SECURITY_HEADERS } from '@portcullis/core/adapter';
import type { ErrorHandler, NotFoundHandler } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { send } from './translate.js';

/** Hono's own refusals (validator, bodyLimit, …) in the contract's words. */
const FRAMEWORK_ERRORS: Readonly<Partial<Record<number, readonly [AuthErrorCode, string]>>> = Object.freeze({
  400: ['invalid_request', 'Bad request'],
  404: ['not_found', 'Not found'],
  413: ['payload_too_large', 'Request body is too large'],
});

/**
 * An `app.onError` handler answering every error in the contract's shape through `auth.errorResponse`: an
 * `AuthError` (thrown by the middleware or your handlers) as itself; Hono's 400/404/413 `HTTPException`s
 * as `invalid_request`/`not_found`/`payload_too_large`; any other `HTTPException` with its own response; and
 * anything else as a bare 500 that reveals nothing.
 *
 * @example app.onError(onError(auth));
 */
export function onError(auth: Pick<Auth, 'errorResponse'>): ErrorHandler {
  return function portcullisOnError(error, c) {
    if (!(error instanceof HTTPException)) return send(c, auth.errorResponse(error));
    if (isAuthError(error.cause)) return send(c, auth.errorResponse(error.cause));
    const mapped = FRAMEWORK_ERRORS[error.status];
    if (mapped !== undefined) {
      return send(
        c,
        auth.errorResponse(new AuthError(mapped[0], error.message || mapped[1], { cause: error })),
      );
    }
    const response = error.getResponse();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.headers.set(name, value);
    return response;
  };
}

/**
 * An `app.notFound` handler: 404 `{"error":"not_found"}` with the security headers.
 *
 * @example app.notFound(notFound(auth));
 */
export function notFound(auth: Pick<Auth, 'errorResponse'>): NotFoundHandler {
  return function portcullisNotFound(c) {
    return send(c, auth.errorResponse(new AuthError('not_found', 'Not found')));
  };
}
