import type { AuthError } from '../errors/auth-error.js';
import { AuthError as AuthErrorClass } from '../errors/auth-error.js';
import { MESSAGES } from '../errors/messages.js';
import { assertToken68, bearerCredential, missingCredentials } from '../http/bearer.js';
import { dpopCredential } from '../http/dpop-scheme.js';
import { headerValues } from '../http/headers.js';
import type { AuthRequest } from '../http/types.js';
import { assertNoCredentialsInUrl } from '../http/url-credentials.js';
import { isThenable, type MaybePromise } from '../lib/maybe-promise.js';
import type { AuthMethod, Principal } from '../tokens/principal.js';
import { type AccessTokenVerifier, verifyNow } from '../tokens/verify-access-token.js';
import type { AuthParts } from './auth-parts.js';
import { assertNotBound, verifyDpopRequest } from './authenticate-dpop.js';
import type { AuthUser } from './user-directory.js';

/** Which credentials a route accepts. */
export type CredentialSource = AuthMethod;

/** The principal of an authenticated request, and how it authenticated. */
export type AuthContext = Principal & { readonly method: AuthMethod };

export interface AuthenticateOptions {
  /**
   * Accepted credentials, tried in this order of precedence: `Authorization` header, `X-API-Key`, access
   * cookie, session cookie. Default `['bearer', 'cookie', 'session']`. `bearer` reads the `Authorization`
   * header with either scheme, `Bearer` or `DPoP` (a DPoP-bound token always needs its proof); `dpop`
   * alone accepts sender-constrained tokens only.
   */
  via?: readonly CredentialSource[];
}

const DEFAULT_VIA: readonly CredentialSource[] = Object.freeze(['bearer', 'cookie', 'session']);

/** How the routes a signed-in user calls for themselves (`/api-keys`, `/auth/password/change`…) authenticate. */
export const USER_CREDENTIALS: AuthenticateOptions = Object.freeze({ via: DEFAULT_VIA });

// Built per request: a small young-generation object. Memoising contexts per principal (a WeakMap) saved
// little on a cached token and cost every fresh one an ephemeron entry the old-generation GC must trace.
export function withMethod(principal: Principal, method: AuthMethod): AuthContext {
  return Object.freeze({ ...principal, method });
}

/**
 * The context of a request's `Authorization: Bearer` token, or `null` when the request has no
 * `Authorization` header. Shared by `createAuth` and `createResourceServer`, whose bearer handling is the same.
 */
export function authenticateBearer(
  verifier: AccessTokenVerifier,
  request: AuthRequest,
): MaybePromise<AuthContext> | null {
  const credential = bearerCredential(request.headers);
  if (credential === null) return null;
  const principal = verifyBearerToken(verifier, credential);
  // A DPoP-bound token is refused here: its proof is what makes it usable (RFC 9449 §7.2).
  return isThenable(principal)
    ? principal.then((verified) => withMethod(assertNotBound(verified), 'bearer'))
    : withMethod(assertNotBound(principal), 'bearer');
}

/**
 * The verifier takes compact JWSs only, which are token68s: a credential it refuses may also be no token68
 * at all, which is the header's fault (401 `invalid_request`, "Malformed authorization header") rather than
 * the token's. Only a refusal pays for telling them apart: a cached token costs one cache look-up and no
 * syntax check of its own.
 */
function verifyBearerToken(verifier: AccessTokenVerifier, credential: string): MaybePromise<Principal> {
  try {
    return verifyNow(verifier, credential);
  } catch (error) {
    // Thrown synchronously: the syntax is checked before anything is awaited.
    assertToken68(credential);
    throw error;
  }
}

function invalidCookie(reason: string): AuthError {
  return new AuthErrorClass('invalid_token', MESSAGES.invalidToken, { challenge: 'Bearer', reason });
}

/**
 * Authenticates a neutral request. Refuses credentials in the URL (400) before anything else; a presented
 * `Authorization` header is decisive (malformed → 401 `invalid_request`, rejected → 401 `invalid_token`);
 * cookie-authenticated unsafe methods must pass the CSRF origin check (403) before any cookie is used.
 *
 * Returns the context itself when nothing had to be awaited (a cached bearer token and a memory
 * revocation store) and may throw synchronously: `createAuth` offers it as a promise (`authenticate`) and
 * to adapters as it is (`authenticateNow`, `@portcullis/core/adapter`).
 */
export function createAuthenticate(parts: AuthParts) {
  return function authenticateNow(
    request: AuthRequest,
    options: AuthenticateOptions | undefined,
  ): MaybePromise<AuthContext> {
    const via = options?.via ?? DEFAULT_VIA;
    assertNoCredentialsInUrl(request.url);

    const acceptsBearer = via.includes('bearer');
    if (acceptsBearer || via.includes('dpop')) {
      const dpop = dpopCredential(request.headers);
      if (dpop !== null)
        return verifyDpopRequest(parts.verifier.verify, parts.dpop, request, dpop).then((principal) =>
          withMethod(principal, 'dpop'),
        );
      if (!acceptsBearer) {
        // DPoP only: an `Authorization` header of any other scheme is refused with the DPoP challenge.
        if (request.headers['authorization'] !== undefined)
          throw parts.dpop.refuse('resource', 'bearer_not_accepted');
      } else {
        const bearer = authenticateBearer(parts.verifier, request);
        if (bearer !== null) return bearer;
      }
    }
    return authenticateOthers(parts, request, via);
  };
}

/** Everything but the bearer header: `X-API-Key`, then the access cookie, then the session cookie. */
async function authenticateOthers(
  parts: AuthParts,
  request: AuthRequest,
  via: readonly CredentialSource[],
): Promise<AuthContext> {
  if (via.includes('apiKey')) {
    // A key never contains a comma: a value with one is several keys joined by a proxy or client library.
    const keys = headerValues(request.headers, 'x-api-key').flatMap((value) => value.split(','));
    if (keys.length > 1) {
      throw new AuthErrorClass('invalid_request', 'Malformed X-API-Key header', {
        status: 401,
        challenge: 'ApiKey',
        reason: 'several_keys',
      });
    }
    if (keys.length === 1) return withMethod(await parts.apiKeys.verify(keys[0]!), 'apiKey');
  }

  const wantsCookie = via.includes('cookie');
  const wantsSession = via.includes('session');
  if (wantsCookie || wantsSession) {
    const cookies = parts.cookies.read(request.headers);
    const accessToken = wantsCookie ? cookies.access : undefined;
    const sessionId = wantsSession ? cookies.session : undefined;
    if (accessToken !== undefined || sessionId !== undefined) {
      // Cookies are sent by the browser on cross-site requests too: check the origin before using them.
      parts.csrf.check(request, { authenticatedBy: 'cookie' });
      let refusal: AuthError | undefined;
      if (accessToken !== undefined) {
        try {
          return withMethod(assertNotBound(await parts.verifier.verify(accessToken)), 'cookie');
        } catch (error) {
          if (sessionId === undefined) throw error;
          refusal = error as AuthError;
        }
      }
      const session = await parts.sessions.resolve(sessionId!);
      if (session === null) throw refusal ?? invalidCookie('unknown_session');
      // A session lives for hours: its role is read from the users table at every use, so that a demoted
      // user loses the role at their next request rather than at the session's end.
      const user = await parts.users.findById(session.subject);
      if (user === null) throw invalidCookie('user_gone');
      return withMethod({ ...session, roles: Object.freeze([user.role]) }, 'session');
    }
  }

  if (via.length === 1 && via[0] === 'apiKey') {
    throw new AuthErrorClass('invalid_request', 'No API key provided', {
      status: 401,
      challenge: 'ApiKey',
      challengeError: false,
    });
  }
  throw missingCredentials();
}

/** The users-table row of an authenticated subject; 401 `invalid_token` when the user is gone. */
export async function signedInUser(parts: AuthParts, subject: string): Promise<AuthUser> {
  const user = await parts.users.findById(subject);
  if (user === null)
    throw new AuthErrorClass('invalid_token', MESSAGES.invalidToken, {
      challenge: 'Bearer',
      reason: 'user_gone',
    });
  return user;
}

/** The promise form every caller outside a request hook uses. */
export type Authenticate = (request: AuthRequest, options?: AuthenticateOptions) => Promise<AuthContext>;
