import type { ApiKeyManager } from '../apikeys/api-key-manager.js';
import type { AuthCookies } from '../cookies/auth-cookies.js';
import type { CsrfGuard } from '../csrf/csrf-guard.js';
import type { DpopVerifier } from '../dpop/dpop-verifier.js';
import type { Keyring, KeyringEvent } from '../keys/keyring.js';
import type { Clock } from '../lib/clock.js';
import type { MailKind } from '../mail/mailer.js';
import type { SecondFactors } from '../mfa/second-factors.js';
import type { PasswordHasher, PasswordHasherEvent } from '../passwords/password-hasher.js';
import type { Policy } from '../policy/create-policy.js';
import type { Requirement } from '../policy/requirement.js';
import type { RateLimit } from '../ratelimit/create-rate-limit.js';
import type { DeviceCookies } from '../ratelimit/device-cookie.js';
import type { LoginThrottle } from '../ratelimit/login-throttle.js';
import type { RefreshTokenService } from '../refresh/refresh-token-service.js';
import type { RevocationService } from '../revocation/revocation-service.js';
import type { SessionManager } from '../sessions/session-manager.js';
import type { AccessTokenIssuer } from '../tokens/issue-access-token.js';
import type { AccessTokenVerifier } from '../tokens/verify-access-token.js';
import type { UserDirectory } from './user-directory.js';

/** A security-relevant event, for audit logs. Never carries a password, token, key or cookie value. */
export type AuthEvent =
  | { type: 'login.succeeded'; subject: string; method: 'password' | 'session' | 'oauth' | 'passkey' }
  | { type: 'login.failed'; reason: 'invalid_credentials' | 'rate_limited' }
  /** An access token, API key or session presented and refused (`reason`: `expired`, `revoked`, `bad_signature`…). */
  | { type: 'token.refused'; reason: string }
  /**
   * A sign-in through a provider refused (callback) or impossible (start: provider unreachable);
   * `reason` is portcullis's own word for why (e.g. `state_replayed`), never the provider's text.
   */
  | { type: 'oauth.refused'; provider: string; reason: string }
  | { type: 'refresh.reuse_detected'; subject: string; familyId: string }
  | { type: 'logout'; subject: string | undefined }
  | { type: 'user.registered'; subject: string }
  /** The owner of the account's e-mail proved it (a link, a reset, a provider's verified e-mail). */
  | { type: 'user.verified'; subject: string }
  | { type: 'password.reset' | 'password.changed'; subject: string }
  /**
   * An unverified password account was claimed by a provider's user with its verified e-mail: its password,
   * sessions, refresh families, access tokens and API keys were ended (the pre-hijack defence).
   */
  | { type: 'account.taken_over'; subject: string; provider: string }
  | { type: 'identity.linked'; subject: string; provider: string }
  /** A mail could not be delivered; `name` is the error's class name, never its message. */
  | { type: 'mail.failed'; kind: MailKind; subject: string; name: string }
  | { type: 'keys.rotated'; kid: string }
  /** Key storage and scheduled rotation: `keys.stored_unencrypted`, `keys.resealed`, `keys.published`, `keys.rotation_failed`. */
  | KeyringEvent
  /** `passwords.bcrypt` is on but `@node-rs/bcrypt` is not installed: logins answer 503 (sent once). */
  | PasswordHasherEvent
  | { type: 'api_key.created' | 'api_key.rolled' | 'api_key.revoked'; subject: string; keyId: string }
  /** A second factor was enrolled (a TOTP app confirmed by its first code, or a passkey). */
  | { type: 'mfa.enrolled'; subject: string; method: 'totp' | 'webauthn' }
  /** A second step (or a reauthentication) passed with `method`. */
  | { type: 'mfa.verified'; subject: string; method: 'totp' | 'recovery_code' | 'webauthn' }
  /** A second step was refused: a wrong, replayed or expired code, an unusable passkey assertion, a spent mfa_token. */
  | { type: 'mfa.failed'; subject: string | undefined; method: string; reason: string }
  /** A recovery code was spent; `remaining` are left. */
  | { type: 'mfa.recovery_used'; subject: string; remaining: number }
  | { type: 'passkey.registered'; subject: string }
  /** A sensitive action was refused for an authentication too old or too weak (RFC 9470 step-up). */
  | { type: 'stepup.required'; subject: string; action: string; reason: string }
  /**
   * A client of `/oauth/*` failed to authenticate (`reason`: `missing`, `malformed`, `unknown_client`,
   * `wrong_secret`); `clientId` only when it names a registered client.
   */
  | { type: 'client.auth_failed'; clientId: string | undefined; reason: string }
  /** The client-credentials grant issued a token to `clientId`. */
  | { type: 'client.token_issued'; clientId: string; scopes: readonly string[] }
  /**
   * `POST /oauth/revoke` ended a token: an access token (and its login's refresh family, `familyId`, when it
   * had one) or a refresh token's whole family and the access tokens issued from it.
   */
  | {
      type: 'token.revoked';
      clientId: string;
      tokenType: 'access_token' | 'refresh_token';
      subject: string;
      familyId: string | undefined;
    }
  | { type: 'error'; name: string; code: string | undefined };

/** The building blocks `createAuth` composes; exposed so applications can use any of them directly. */
export interface AuthParts {
  readonly users: UserDirectory;
  readonly keyring: Keyring;
  readonly accessTokens: AccessTokenIssuer;
  readonly verifier: AccessTokenVerifier;
  readonly refreshTokens: RefreshTokenService;
  readonly revocations: RevocationService;
  readonly sessions: SessionManager;
  readonly apiKeys: ApiKeyManager;
  readonly passwords: PasswordHasher;
  readonly loginThrottle: LoginThrottle;
  /** Signs and checks the device cookie a successful password login earns (login throttling). */
  readonly devices: DeviceCookies;
  readonly csrf: CsrfGuard;
  readonly cookies: AuthCookies;
  readonly policy: Policy;
  /** DPoP proofs (RFC 9449): checked at the token routes that bind and on every `Authorization: DPoP` request. */
  readonly dpop: DpopVerifier;
  /** Second factors and passkeys; `undefined` when `stores.mfa` is missing (nothing can be enrolled). */
  readonly mfa: SecondFactors | undefined;
  /** Counts second-step attempts per account (429 past `mfa.maxFailures`). */
  readonly mfaThrottle: RateLimit;
  /** What a sensitive action requires (`requireFreshAuth(stepUp.maxAge)`), or `undefined` when step-up is off. */
  readonly sensitiveActions: Requirement | undefined;
  readonly clock: Clock;
  /** The role an account gets when its e-mail is verified (never before: unverified accounts are `user`). */
  readonly roleFor: (email: string) => string;
  readonly emit: (event: AuthEvent) => void;
}
