import type { AuthContext, AuthenticateOptions, Requirement } from '@portcullis/core';
import {
  type AdapterAuth,
  assertRequirement,
  authenticateNow,
  isThenable,
  type MaybePromise,
  resolveVia,
} from '@portcullis/core/adapter';
import type { RequestHandler } from 'express';
import { toAuthRequest } from './lib/translate.js';

/** Middleware that authenticates the request with `auth`, sets `req.auth`, or passes the `AuthError` on. */
export function authenticateWith(auth: AdapterAuth, options: AuthenticateOptions = {}): RequestHandler {
  const via = resolveVia(options.via, 'authenticate().via');
  const settings: AuthenticateOptions = via === undefined ? {} : { via };
  return function portcullisAuthenticate(req, _res, next) {
    let context: MaybePromise<AuthContext>;
    try {
      context = authenticateNow(auth, toAuthRequest(req), settings);
    } catch (error) {
      return next(error);
    }
    // Synchronous on the hot path (a cached token, a memory store): no promise between Express's layers.
    // `next` runs outside the `try`: an error of a later layer is not this middleware's refusal.
    if (isThenable(context)) {
      context.then((value) => {
        req.auth = value;
        next();
      }, next);
      return;
    }
    req.auth = context;
    next();
  };
}

/** Middleware that lets the request through only when `req.auth` meets `requirement` (else core's 403 or step-up 401). */
export function authorizeWith(
  auth: AdapterAuth,
  requirement: Requirement,
  name = 'authorize',
): RequestHandler {
  assertRequirement(requirement, `${name}()`);
  return function portcullisAuthorize(req, _res, next) {
    // A route that checks roles without authenticating first is a wiring bug: fail closed, with a 500.
    if (req.auth === undefined) return next(new Error(`${name}() must run after authenticate()`));
    try {
      auth.authorize(req.auth, requirement);
    } catch (error) {
      return next(error);
    }
    next();
  };
}
