import type { Keyring } from '../keys/keyring.js';
import { type Clock, epochSeconds, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { randomToken } from '../lib/random.js';
import { type AuthenticationFacts, authenticationClaims } from '../mfa/authentication-method.js';
import { nodeCryptoBackend } from './backends/node-crypto.js';
import type { SignatureBackend } from './backends/signature-backend.js';

export interface AccessTokenIssuerOptions {
  keyring: Keyring;
  /** `iss` of every token. */
  issuer: string;
  /** `aud` of every token. */
  audience: string | readonly string[];
  /** Lifetime, in seconds or as `"15m"`. Default 15 minutes. */
  ttl?: number | string;
  backend?: SignatureBackend;
  clock?: Clock;
}

export interface AccessTokenClaimsInput {
  /** The user or service id (`sub`). */
  subject: string;
  roles?: readonly string[];
  scopes?: readonly string[];
  /** The refresh-token family this token belongs to (`sid`), so that logging out with it can end the family. */
  sessionId?: string;
  /** The OAuth client the token was issued to (`client_id`, RFC 9068 §2.2), e.g. by the client-credentials grant. */
  clientId?: string;
  /**
   * When and how the user authenticated: `amr`, `acr` and `auth_time` (OpenID Connect's claims), which
   * `requireFreshAuth` and `requireAcr` check. A refreshed token keeps its login's facts.
   */
  authentication?: AuthenticationFacts;
  /**
   * The key the token is bound to (RFC 9449 DPoP): its JWK thumbprint becomes `cnf.jkt`, and the token is
   * accepted only with a proof signed by that key.
   */
  confirmation?: { readonly jkt: string };
  /** Extra private claims. Registered and portcullis claims cannot be overridden here. */
  claims?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  tokenId: string;
  expiresAt: Date;
  /** Lifetime in seconds, for an OAuth-style `expires_in`. */
  expiresIn: number;
}

export interface AccessTokenIssuer {
  issue(input: AccessTokenClaimsInput): Promise<IssuedAccessToken>;
  /** The lifetime in seconds. */
  readonly ttl: number;
}

const RESERVED_CLAIMS = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'nbf',
  'iat',
  'jti',
  'roles',
  'scope',
  'scp',
  'sid',
  'client_id',
  'amr',
  'acr',
  'auth_time',
  'cnf',
]);
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/; // RFC 6749 §3.3 scope-token

/**
 * Creates an access-token issuer: JWTs with header `typ: "at+jwt"` (RFC 9068), signed by the keyring's
 * current key, carrying `iss`, `sub`, `aud`, `iat`, `exp`, a random `jti`, and `roles` / `scope` / `sid` when given.
 *
 * @example
 * const issuer = createAccessTokenIssuer({ keyring, issuer: 'https://api.example', audience: 'api' });
 * const { token } = await issuer.issue({ subject: 'user-1', roles: ['admin'] });
 */
export function createAccessTokenIssuer(options: AccessTokenIssuerOptions): AccessTokenIssuer {
  const { keyring, issuer } = options;
  if (keyring === undefined || typeof keyring.current !== 'function')
    throw optionError(
      'createAccessTokenIssuer.keyring',
      'is missing',
      'pass the keyring from createKeyring()',
    );
  if (typeof issuer !== 'string' || issuer.length === 0)
    throw optionError(
      'createAccessTokenIssuer.issuer',
      'is missing',
      "pass the app's base URL, such as 'https://api.example'",
    );
  const audience = typeof options.audience === 'string' ? options.audience : [...(options.audience ?? [])];
  if (audience.length === 0)
    throw optionError(
      'createAccessTokenIssuer.audience',
      'is missing',
      "pass the tokens' audience, such as 'https://api.example'",
    );
  const ttl = parseDuration(options.ttl ?? '15m', 'createAccessTokenIssuer.ttl');
  if (ttl <= 0) throw optionError('createAccessTokenIssuer.ttl', 'must be more than 0', "omit it for '15m'");
  const backend = options.backend ?? nodeCryptoBackend;
  const clock = options.clock ?? systemClock;
  const encodedHeaders = new Map<string, string>();

  function encodedHeaderFor(kid: string, alg: string): string {
    let header = encodedHeaders.get(kid);
    if (header === undefined) {
      header = Buffer.from(JSON.stringify({ alg, typ: 'at+jwt', kid })).toString('base64url');
      if (encodedHeaders.size > 16) encodedHeaders.clear();
      encodedHeaders.set(kid, header);
    }
    return header;
  }

  return {
    ttl,
    async issue(input) {
      if (typeof input?.subject !== 'string' || input.subject.length === 0)
        throw optionError('issue().subject', 'is missing', "pass the principal's id");
      for (const name of Object.keys(input.claims ?? {})) {
        if (RESERVED_CLAIMS.has(name))
          throw optionError(
            `issue().claims.${name}`,
            'is set by portcullis and cannot be overridden',
            'remove it, or use a claim name of your own',
          );
      }
      if (input.scopes?.some((s) => !SCOPE_TOKEN.test(s)))
        throw optionError(
          'issue().scopes',
          'has a scope with a character RFC 6749 forbids',
          'use scopes without spaces, quotes or backslashes',
        );
      const iat = epochSeconds(clock);
      const exp = iat + ttl;
      const jti = randomToken(16);
      const payload: Record<string, unknown> = {
        ...input.claims,
        iss: issuer,
        sub: input.subject,
        aud: audience,
        iat,
        exp,
        jti,
      };
      if (input.roles !== undefined) payload['roles'] = [...input.roles];
      if (input.scopes !== undefined && input.scopes.length > 0) payload['scope'] = input.scopes.join(' ');
      if (input.sessionId !== undefined) payload['sid'] = input.sessionId;
      if (input.clientId !== undefined) payload['client_id'] = input.clientId;
      if (input.authentication !== undefined)
        Object.assign(payload, authenticationClaims(input.authentication));
      if (input.confirmation !== undefined) payload['cnf'] = { jkt: input.confirmation.jkt };
      const key = keyring.current();
      const signingInput = `${encodedHeaderFor(key.kid, key.alg)}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}`;
      const signature = await backend.sign(key, signingInput);
      return {
        token: `${signingInput}.${Buffer.from(signature).toString('base64url')}`,
        tokenId: jti,
        expiresAt: new Date(exp * 1000),
        expiresIn: ttl,
      };
    },
  };
}
