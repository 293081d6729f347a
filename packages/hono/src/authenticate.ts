import type { AuthContext, AuthenticateOptions, CredentialSource } from '@portcullis/core/auth';
import { type AuthRequest, asCallback, fromCallback } from '@portcullis/core/http';
import {
  isRequirement,
  type Requirement,
  requireRoles as roles,
  requireScopes as scopes,
} from '@portcullis/core/policy';
import type { MiddlewareHandler } from 'hono';
import { refusal, requestOf } from './translate.js';
import type { Authenticator } from './types.js';

const SOURCES: ReadonlySet<string> = new Set<CredentialSource>(['bearer', 'apiKey', 'cookie', 'session']);

/**
 * Authenticates the request and sets `c.get('auth')` (principal + method); a refusal throws an
 * `HTTPException` whose response is the contract's (401 with `WWW-Authenticate`, 400, 403 `csrf_failed`, 503).
 *
 * @example
 * app.get('/me', authenticate(auth), (c) => c.json({ sub: c.get('auth').subject }));
 * app.get('/service/reports', authenticate(auth, { via: ['apiKey'] }), handler);
 */
export function authenticate(
  auth: Pick<Authenticator, 'authenticate' | 'authenticateCallback' | 'errorResponse'>,
  options: AuthenticateOptions = {},
): MiddlewareHandler {
  const { via } = options;
  if (via !== undefined && (via.length === 0 || via.some((source) => !SOURCES.has(source)))) {
    throw new TypeError(`authenticate(): "via" must list one or more of ${[...SOURCES].join(', ')}`);
  }
  const authOptions: AuthenticateOptions = via === undefined ? {} : { via: Object.freeze([...via]) };
  // An Authenticator built by hand (edge) may have only the promise form: the same path serves both.
  const authenticateCallback =
    auth.authenticateCallback ??
    asCallback((request: AuthRequest, settings: AuthenticateOptions) => auth.authenticate(request, settings));
  // Not an async function: when core answers synchronously (a cached token, a memory store) the
  // middleware hands Hono `next()`'s own promise and creates none of its own.
  return function portcullisAuthenticate(c, next) {
    return fromCallback<AuthContext, void>(
      (callback) => authenticateCallback(requestOf(c), authOptions, callback),
      (error, context) => {
        if (error !== null) throw refusal(auth.errorResponse(error), error);
        c.set('auth', context!);
        return next();
      },
    ) as Promise<void>;
  };
}

/**
 * Lets the request through only when `c.get('auth')` meets the requirement; otherwise 403
 * `insufficient_scope`. Runs after `authenticate()`.
 *
 * @example app.delete('/reports/:id', authenticate(auth), authorize(auth, anyOf(requireRoles('admin'), requireScopes('reports:write'))), handler);
 */
export function authorize(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  requirement: Requirement,
): MiddlewareHandler {
  if (!isRequirement(requirement)) {
    throw new TypeError(
      'authorize(): pass a requirement built with requireRoles(), requireScopes(), anyOf()…',
    );
  }
  return async function portcullisAuthorize(c, next) {
    const context = c.get('auth');
    // Middleware order is a programming error, not a client's: answer 500 rather than guess credentials.
    if (context === undefined) throw new Error('portcullis: authorize() ran before authenticate()');
    try {
      auth.authorize(context, requirement);
    } catch (error) {
      throw refusal(auth.errorResponse(error), error);
    }
    await next();
  };
}

/**
 * Requires ANY ONE of the roles (inherited roles count); 403 `insufficient_scope` otherwise.
 *
 * @example app.get('/admin/stats', authenticate(auth), requireRoles(auth, 'admin'), handler);
 */
export function requireRoles(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  ...names: string[]
): MiddlewareHandler {
  return authorize(auth, roles(...names));
}

/**
 * Requires ALL of the scopes (RFC 6750 §3.1); 403 `insufficient_scope` otherwise.
 *
 * @example app.get('/service/reports', authenticate(auth, { via: ['apiKey'] }), requireScopes(auth, 'reports:read'), handler);
 */
export function requireScopes(
  auth: Pick<Authenticator, 'authorize' | 'errorResponse'>,
  ...names: string[]
): MiddlewareHandler {
  return authorize(auth, scopes(...names));
}
