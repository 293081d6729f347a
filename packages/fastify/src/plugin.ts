import {
  type AuthContext,
  AuthError,
  type AuthenticateOptions,
  type Requirement,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
} from '@portcullis/core';
import {
  type AdapterAuth,
  assertAdapterAuth,
  assertRequirement,
  authenticateNow,
  isThenable,
  type MaybePromise,
  optionError,
  resolveVia,
  SECURITY_HEADERS,
} from '@portcullis/core/adapter';
import type {
  FastifyError,
  FastifyPluginAsync,
  FastifyReply,
  FastifyRequest,
  onRequestHookHandler,
  preHandlerHookHandler,
} from 'fastify';
import fp from 'fastify-plugin';
import { clientErrorOf, fromFastifyError } from './fastify-errors.js';
import { sendAuthResponse, toAuthRequest } from './translate.js';

export interface PortcullisOptions {
  /** The object `createAuth()` returned. */
  auth: AdapterAuth;
  /** Answer every error of this instance through `auth.errorResponse`. Default `true`. */
  errorHandler?: boolean;
  /** Answer unknown routes with the contract's 404 `not_found`. Default `true`. */
  notFoundHandler?: boolean;
}

/** What the plugin decorates the instance with, as `fastify.portcullis`. */
export interface Portcullis {
  readonly auth: AdapterAuth;
  /** An `onRequest` hook that authenticates the request into `request.auth`, or answers 400/401/403. */
  authenticate(options?: AuthenticateOptions): onRequestHookHandler;
  /**
   * A `preHandler` hook that refuses unless `request.auth` meets the requirement: 403 `insufficient_scope`,
   * or 401 `insufficient_user_authentication` for an unmet step-up (`requireFreshAuth`, `requireAcr`).
   */
  authorize(requirement: Requirement): preHandlerHookHandler;
  /** `authorize(requireRoles(...roles))`: any one of the roles. */
  requireRoles(...roles: string[]): preHandlerHookHandler;
  /** `authorize(requireScopes(...scopes))`: every one of the scopes. */
  requireScopes(...scopes: string[]): preHandlerHookHandler;
  /**
   * `authorize(requireFreshAuth(options))`: an authentication at most `maxAge` ago (seconds, or `'10m'`);
   * otherwise 401 `insufficient_user_authentication` with `max_age` (RFC 9470 step-up).
   */
  requireFreshAuth(options: { maxAge: number | string }): preHandlerHookHandler;
  /** `authorize(requireAcr(...values))`: an `acr` among `values` (e.g. `ACR_MFA`); otherwise 401 with `acr_values` (RFC 9470). */
  requireAcr(...values: string[]): preHandlerHookHandler;
  /** The plugin's error handler, for an app that keeps its own (`errorHandler: false`) and delegates to it. */
  errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply;
}

declare module 'fastify' {
  interface FastifyInstance {
    portcullis: Portcullis;
  }
  interface FastifyRequest {
    /** The authenticated principal, set by `fastify.portcullis.authenticate()`; `null` on other routes. */
    auth: AuthContext | null;
  }
}

function checkOptions(options: PortcullisOptions): void {
  const given: Partial<PortcullisOptions> = options ?? {};
  assertAdapterAuth(given.auth, 'register(portcullis).auth', ['authenticate', 'errorResponse']);
  for (const name of ['errorHandler', 'notFoundHandler'] as const) {
    if (given[name] !== undefined && typeof given[name] !== 'boolean')
      throw optionError(
        `register(portcullis).${name}`,
        `must be a boolean, not ${typeof given[name]}`,
        'pass true or false, or omit it for true',
      );
  }
}

const plugin: FastifyPluginAsync<PortcullisOptions> = async (fastify, options) => {
  checkOptions(options);
  const { auth } = options;

  function errorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const mapped = fromFastifyError(error, request);
    const appClientError = clientErrorOf(mapped);
    if (appClientError !== undefined) {
      reply.headers(SECURITY_HEADERS);
      return reply.code(appClientError.statusCode).send(appClientError);
    }
    const response = auth.errorResponse(mapped);
    if (response.status >= 500) request.log.error({ err: error }, 'portcullis: request failed');
    // Set here too, not only in onSend: Fastify's `frameworkErrors` replies run no hooks.
    reply.headers(SECURITY_HEADERS);
    return sendAuthResponse(reply, response);
  }

  function authorize(requirement: Requirement): preHandlerHookHandler {
    assertRequirement(requirement, 'authorize()');
    return function portcullisAuthorize(request, _reply, done) {
      // A route that authorizes without authenticating is a bug: fail closed, loudly (500, logged).
      if (request.auth === null)
        return done(new Error('portcullis: authorize() runs after authenticate() only'));
      try {
        auth.authorize(request.auth, requirement);
      } catch (error) {
        return done(error as FastifyError);
      }
      done();
    };
  }

  const portcullis: Portcullis = {
    auth,
    authenticate({ via } = {}) {
      // A frozen copy, checked once: later changes to the caller's array change nothing.
      const resolved = resolveVia(via, 'authenticate().via');
      const checked: AuthenticateOptions = resolved === undefined ? {} : { via: resolved };
      // Callback style: an async hook costs Fastify a promise and a microtask per request, and on the hot
      // path (a cached token, a memory store) core answers synchronously.
      return function portcullisAuthenticate(request, _reply, done) {
        let context: MaybePromise<AuthContext>;
        try {
          context = authenticateNow(auth, toAuthRequest(request), checked);
        } catch (error) {
          return done(error as FastifyError);
        }
        // `done` runs outside the `try`: what a later hook throws is not this hook's refusal.
        if (isThenable(context)) {
          context.then(
            (value) => {
              request.auth = value;
              done();
            },
            (error: FastifyError) => done(error),
          );
          return;
        }
        request.auth = context;
        done();
      };
    },
    authorize,
    requireRoles: (...roles) => authorize(requireRoles(...roles)),
    requireScopes: (...scopes) => authorize(requireScopes(...scopes)),
    requireFreshAuth: (options) => authorize(requireFreshAuth(options)),
    requireAcr: (...values) => authorize(requireAcr(...values)),
    errorHandler,
  };

  fastify.decorate('portcullis', portcullis);
  fastify.decorateRequest('auth', null);
  // Callback style: an async hook costs a promise per reply on the hottest path there is.
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    reply.headers(SECURITY_HEADERS);
    done(null, payload);
  });
  if (options.errorHandler !== false)
    fastify.setErrorHandler((error: FastifyError, request, reply) => errorHandler(error, request, reply));
  if (options.notFoundHandler !== false)
    fastify.setNotFoundHandler((request, reply) =>
      errorHandler(new AuthError('not_found', 'Not found'), request, reply),
    );
};

/**
 * The portcullis plugin for Fastify 5: decorates the instance with `fastify.portcullis` (hooks that
 * authenticate and authorize), every request with `request.auth`, puts the contract's security headers on
 * every reply (errors and 404s included), and answers every error and unknown route through
 * `auth.errorResponse`, so that bodies, `WWW-Authenticate` and `Retry-After` match every other framework.
 *
 * @example
 * await app.register(portcullis, { auth });
 * app.get('/me', { onRequest: app.portcullis.authenticate() }, async (request) => request.auth);
 */
export const portcullis = fp(plugin, { fastify: '5.x', name: '@portcullis/fastify' });
