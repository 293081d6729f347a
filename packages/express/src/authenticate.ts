import {
  type AuthContext,
  type AuthenticateOptions,
  type CredentialSource,
  isRequirement,
  type Requirement,
} from '@portcullis/core';
import { type AdapterAuth, authenticateNow, isThenable, type MaybePromise } from '@portcullis/core/adapter';
import type { RequestHandler } from 'express';
import { toAuthRequest } from './lib/translate.js';

const SOURCES: ReadonlySet<string> = new Set<CredentialSource>(['bearer', 'apiKey', 'cookie', 'session']);

function checkVia(via: unknown): void {
  if (via === undefined) return;
  if (!Array.isArray(via) || via.length === 0 || !via.every((source) => SOURCES.has(source)))
    throw new TypeError(`authenticate(): via must be a non-empty list of ${[...SOURCES].join(', ')}`);
}

/** Middleware that authenticates the request with `auth`, sets `req.auth`, or passes the `AuthError` on. */
export function authenticateWith(auth: AdapterAuth, options: AuthenticateOptions = {}): RequestHandler {
  checkVia(options.via);
  const settings: AuthenticateOptions = options.via === undefined ? {} : { via: [...options.via] };
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

/** Middleware that lets the request through only when `req.auth` meets `requirement` (403 otherwise). */
export function authorizeWith(
  auth: AdapterAuth,
  requirement: Requirement,
  name = 'authorize',
): RequestHandler {
  if (!isRequirement(requirement))
    throw new TypeError(`${name}(): expected a requirement such as requireRoles('admin')`);
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
