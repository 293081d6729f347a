import { context, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { AuthContext, AuthenticateOptions } from '@portcullis/core';
import {
  type AdapterAuth,
  type AuthRequest,
  type AuthResponse,
  type AuthRoute,
  authenticateNow,
  isAuthError,
  isThenable,
  type MaybePromise,
  optionError,
} from '@portcullis/core/adapter';
import { errorClassOf, meterOf, type OtelOptions, tracerOf } from './lib/telemetry.js';
import { safeAttributes, safeSpanName } from './safe-attributes.js';

/** Options of {@link instrumentAuth}: where its spans and metrics go. */
export interface InstrumentAuthOptions extends OtelOptions {}

/**
 * Where `createAuth` and `createResourceServer` keep the adapters' fast path (`@portcullis/core/adapter`'s
 * `authenticateNow`): `Symbol.for`, so the same symbol is found from here.
 */
const AUTHENTICATE_NOW = Symbol.for('portcullis.authenticateNow');

/** The word for why a credential was refused: the `AuthError`'s `reason` (`expired`…), else its `code`. */
function refusalReason(error: unknown): string {
  if (isAuthError(error)) return error.reason ?? error.code;
  return 'internal_error';
}

/** What the verifier's cache counted, when `auth` has a verifier that counts (core's does). */
function cacheLookupsOf(auth: object): (() => { hits: number; misses: number }) | undefined {
  const verifier = (auth as { verifier?: { cacheLookups?: unknown } }).verifier;
  if (typeof verifier !== 'object' || verifier === null || !('cacheLookups' in verifier)) return undefined;
  return () => verifier.cacheLookups as { hits: number; misses: number };
}

/**
 * Returns a copy of `auth` (what `createAuth()` or `createResourceServer()` returned) that traces and
 * measures itself, to hand to an adapter in its place:
 *
 * - every authentication, by `auth.authenticate()` or an adapter's synchronous fast path, is a
 *   `portcullis.authenticate` span and a count of `portcullis.verifications` by `portcullis.result`
 *   (`accepted`, `refused`) and `portcullis.reason` (the refusal's reason code: `expired`, `bad_signature`…).
 *   An answer that was synchronous stays synchronous;
 * - every route (login, refresh, key rotation…) is a `portcullis.route <METHOD> <template>` span, e.g.
 *   `portcullis.route POST /auth/login`, with the method, the route template (never the request's URL) and
 *   the status code;
 * - the verifier's cache is read as the `portcullis.token_cache.lookups` counter, by `result` `hit`/`miss`.
 *
 * Attributes come only from fixed vocabularies (see `safe-attributes.ts`): no header, body, URL, token,
 * subject or e-mail is ever read into one.
 *
 * @example
 * const auth = instrumentAuth(await createAuth({ stores: instrumentStores(createMemoryStores()), ... }));
 * app.use(portcullis(auth));
 */
export function instrumentAuth<A extends AdapterAuth>(auth: A, options: InstrumentAuthOptions = {}): A {
  if (typeof auth !== 'object' || auth === null || typeof auth.authenticate !== 'function')
    throw optionError(
      'instrumentAuth(auth)',
      'is not an auth',
      'pass what createAuth() or createResourceServer() returned',
    );
  const tracer = tracerOf(options);
  const meter = meterOf(options);
  const verifications = meter.createCounter('portcullis.verifications', {
    description:
      'Credentials checked by portcullis (bearer tokens, cookies, sessions, API keys), by result and reason.',
  });
  const lookups = cacheLookupsOf(auth);
  if (lookups !== undefined) {
    meter
      .createObservableCounter('portcullis.token_cache.lookups', {
        description: "Look-ups in the verifier's cache of verified access tokens, by result (hit or miss).",
      })
      .addCallback((observer) => {
        const { hits, misses } = lookups();
        observer.observe(hits, safeAttributes({ 'portcullis.result': 'hit' }));
        observer.observe(misses, safeAttributes({ 'portcullis.result': 'miss' }));
      });
  }

  const accepted = (span: Span, value: AuthContext): AuthContext => {
    const attributes = safeAttributes({
      'portcullis.result': 'accepted',
      'portcullis.credential': value.method,
    });
    span.setAttributes(attributes);
    span.end();
    verifications.add(1, attributes);
    return value;
  };
  const refused = (span: Span, error: unknown): never => {
    const attributes = safeAttributes({
      'portcullis.result': 'refused',
      'portcullis.reason': refusalReason(error),
      'error.type': errorClassOf(error),
    });
    span.setAttributes(attributes);
    // A refusal is an answer, not a failure of the server: only an unexpected error marks the span.
    if (!isAuthError(error) || error.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
    verifications.add(1, {
      'portcullis.result': attributes['portcullis.result'],
      'portcullis.reason': attributes['portcullis.reason'],
    });
    throw error;
  };

  const now = (request: AuthRequest, settings?: AuthenticateOptions): MaybePromise<AuthContext> => {
    const span = tracer.startSpan('portcullis.authenticate', { kind: SpanKind.INTERNAL }, context.active());
    let result: MaybePromise<AuthContext>;
    try {
      result = context.with(trace.setSpan(context.active(), span), () =>
        authenticateNow(auth, request, settings),
      );
    } catch (error) {
      return refused(span, error);
    }
    return isThenable(result)
      ? result.then(
          (value) => accepted(span, value),
          (error: unknown) => refused(span, error),
        )
      : accepted(span, result);
  };

  const instrumentRoute = (route: AuthRoute): AuthRoute => {
    const base = { 'http.request.method': route.method, 'http.route': route.path };
    const name = safeSpanName('portcullis.route', [
      ['http.request.method', route.method],
      ['http.route', route.path],
    ]);
    return Object.freeze({
      method: route.method,
      path: route.path,
      handle: async (request: AuthRequest): Promise<AuthResponse> => {
        const span = tracer.startSpan(
          name,
          { kind: SpanKind.INTERNAL, attributes: safeAttributes(base) },
          context.active(),
        );
        try {
          const response = await context.with(trace.setSpan(context.active(), span), () =>
            route.handle(request),
          );
          const code = (response.body as { error?: unknown } | undefined)?.error;
          span.setAttributes(
            safeAttributes({ 'http.response.status_code': response.status, 'portcullis.error': code }),
          );
          if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
          return response;
        } catch (error) {
          // A route never throws (it answers with the contract's errors): this would be a bug upstream.
          span.setAttributes(safeAttributes({ 'error.type': errorClassOf(error) }));
          span.setStatus({ code: SpanStatusCode.ERROR });
          throw error;
        } finally {
          span.end();
        }
      },
    });
  };

  return Object.freeze({
    ...auth,
    routes: Object.freeze(auth.routes.map(instrumentRoute)),
    authenticate: async (request: AuthRequest, settings?: AuthenticateOptions) => now(request, settings),
    [AUTHENTICATE_NOW]: now,
  });
}
