import { AuthError } from '../errors/auth-error.js';
import type { Clock } from '../lib/clock.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import type { MfaStore } from '../stores/mfa-store.js';
import {
  type FactorDocument,
  hasSecondFactor,
  type StoredPasskey,
  secondStepMethods,
} from './factor-document.js';
import { createFactorRepository } from './factor-repository.js';
import type { MfaKeys } from './mfa-keys.js';
import { createPendingLogins, type PendingLogins } from './pending-logins.js';
import { newRecoveryCodes, normaliseRecoveryCode } from './recovery-codes.js';
import { acceptedStep, base32Of, newTotpSecret, normaliseTotpCode, qrCodeSvg, totpUri } from './totp.js';
import {
  authenticationOptions,
  claimedCredential,
  type RelyingParty,
  registrationOptions,
  verifyAssertion,
  verifyRegistration,
} from './webauthn.js';
import { createWebAuthnCeremonies, type WebAuthnCeremonies } from './webauthn-ceremonies.js';

/** What `GET /auth/mfa` shows: which factors a user has, never a secret. */
export interface FactorStatus {
  totp: boolean;
  passkeys: {
    id: string;
    name: string;
    created_at: string;
    last_used_at: string | null;
    backed_up: boolean;
  }[];
  recovery_codes_left: number;
}

/** A passkey assertion that verified: whose it is, and whether the authenticator verified its user. */
export interface VerifiedPasskey {
  readonly userId: string;
  readonly userVerified: boolean;
}

export interface SecondFactorsOptions {
  store: MfaStore;
  keys: MfaKeys;
  relyingParty: RelyingParty;
  /** `issuer` of the otpauth URI: the name the authenticator app shows. */
  appName: string;
  /** Seconds an `mfa_token` lives. */
  pendingLoginTtl: number;
  /** Seconds a WebAuthn challenge lives. */
  ceremonyTtl: number;
  clock: Clock;
}

/** Enrolment and checks of TOTP, recovery codes and passkeys, over one `MfaStore`. */
export interface SecondFactors {
  readonly pendingLogins: PendingLogins;
  readonly ceremonies: WebAuthnCeremonies;
  readonly relyingParty: RelyingParty;
  /** The second-step methods of a user: empty when the user has no second factor. */
  methodsOf(userId: string): Promise<string[]>;
  status(userId: string): Promise<FactorStatus>;
  /** A new TOTP secret waiting for its first code (it replaces one still waiting). 409 when one is confirmed. */
  startTotp(user: {
    id: string;
    email: string;
  }): Promise<{ secret: string; otpauthUri: string; qrSvg: string }>;
  /** Confirms the waiting secret with a valid code; resolves the recovery codes to show (new ones when the user had none). */
  confirmTotp(userId: string, code: unknown): Promise<{ confirmed: boolean; recoveryCodes: string[] }>;
  removeTotp(userId: string): Promise<boolean>;
  /** Checks a TOTP code and records its step, atomically: the same code never passes twice. */
  checkTotp(userId: string, code: unknown): Promise<boolean>;
  /** Spends a recovery code, atomically; resolves how many are left, or `undefined` when it is not one. */
  useRecoveryCode(userId: string, code: unknown): Promise<number | undefined>;
  /** Replaces every recovery code with ten new ones, shown once. */
  newRecoveryCodes(userId: string): Promise<string[]>;
  passkeyRegistrationOptions(user: {
    id: string;
    email: string;
  }): Promise<{ options: unknown; binding: string }>;
  /** Stores a verified passkey; resolves it, and the recovery codes to show (new ones when the user had none). */
  registerPasskey(
    userId: string,
    binding: string | undefined,
    response: unknown,
    name: string,
  ): Promise<{ passkey: StoredPasskey; recoveryCodes: string[] } | undefined>;
  /** Options for a passkey sign-in: any discoverable passkey, or the pending login's user's (second factor). */
  passkeyLoginOptions(pending?: {
    userId: string;
    key: string;
  }): Promise<{ options: unknown; binding: string }>;
  /** Verifies an assertion against the browser's challenge; `pendingLoginKey` for a second step. */
  verifyPasskey(
    binding: string | undefined,
    response: unknown,
    expected: { pendingLoginKey?: string; userId?: string; requireUserVerification: boolean },
  ): Promise<VerifiedPasskey | undefined>;
  removePasskey(userId: string, id: string): Promise<boolean>;
  /** Forgets every factor of a user (an operator's reset, or the account is gone). */
  removeAll(userId: string): Promise<void>;
}

const MAX_PASSKEYS = 20;

/** Recovery codes recover a factor: with none left, they go too (a new first factor brings new ones). */
function withoutOrphanCodes(document: FactorDocument): FactorDocument {
  return hasSecondFactor(document) ? document : { ...document, recoveryCodes: [] };
}

function totpContext(userId: string): string {
  return `portcullis.mfa.totp:${userId}`;
}

export function createSecondFactors(options: SecondFactorsOptions): SecondFactors {
  const { keys, clock, relyingParty } = options;
  const factors = createFactorRepository(options.store, clock);
  const pendingLogins = createPendingLogins(options.store, options.pendingLoginTtl, clock);
  const ceremonies = createWebAuthnCeremonies(options.store, options.ceremonyTtl, clock);
  const hashes = (codes: readonly string[]) =>
    codes.map((code) => keys.recoveryCodeHash(normaliseRecoveryCode(code) as string));
  const secretOf = (userId: string, document: FactorDocument) =>
    new Uint8Array(keys.sealer.open(document.totp?.secret, totpContext(userId)).secret);

  return {
    pendingLogins,
    ceremonies,
    relyingParty,
    async methodsOf(userId) {
      const { document } = await factors.load(userId);
      return hasSecondFactor(document) ? secondStepMethods(document) : [];
    },
    async status(userId) {
      const { document } = await factors.load(userId);
      return {
        totp: document.totp?.confirmedAt != null,
        passkeys: document.passkeys.map((passkey) => ({
          id: passkey.id,
          name: passkey.name,
          created_at: new Date(passkey.createdAt).toISOString(),
          last_used_at: passkey.lastUsedAt === null ? null : new Date(passkey.lastUsedAt).toISOString(),
          backed_up: passkey.backedUp,
        })),
        recovery_codes_left: document.recoveryCodes.length,
      };
    },
    async startTotp(user) {
      const secret = newTotpSecret();
      const sealed = keys.sealer.seal(secret.bytes, totpContext(user.id));
      const now = clock();
      const started = await factors.update<boolean>(user.id, (document) =>
        document.totp?.confirmedAt != null
          ? { refuse: false }
          : {
              document: {
                ...document,
                totp: { secret: sealed, confirmedAt: null, lastStep: 0, createdAt: now },
              },
              result: true,
            },
      );
      if (!started)
        throw new AuthError('conflict', 'An authenticator app is already enrolled; remove it first', {
          reason: 'totp_enrolled',
        });
      const uri = totpUri(secret.bytes, options.appName, user.email);
      return { secret: base32Of(secret.bytes), otpauthUri: uri, qrSvg: qrCodeSvg(uri) };
    },
    async confirmTotp(userId, code) {
      const typed = normaliseTotpCode(code);
      if (typed === undefined) return { confirmed: false, recoveryCodes: [] };
      const codes = newRecoveryCodes();
      const now = clock();
      const refused = { confirmed: false, recoveryCodes: [] as string[] };
      return factors.update<{ confirmed: boolean; recoveryCodes: string[] }>(userId, (document) => {
        const totp = document.totp;
        if (totp === null || totp.confirmedAt !== null) return { refuse: refused };
        const step = acceptedStep(secretOf(userId, document), typed, now, totp.lastStep);
        if (step === undefined) return { refuse: refused };
        const firstCodes = document.recoveryCodes.length === 0;
        return {
          document: {
            ...document,
            totp: { ...totp, confirmedAt: now, lastStep: step },
            recoveryCodes: firstCodes ? hashes(codes) : document.recoveryCodes,
          },
          result: { confirmed: true, recoveryCodes: firstCodes ? codes : [] },
        };
      });
    },
    removeTotp: (userId) =>
      factors.update<boolean>(userId, (document) =>
        document.totp === null
          ? { refuse: false }
          : { document: withoutOrphanCodes({ ...document, totp: null }), result: true },
      ),
    async checkTotp(userId, code) {
      const typed = normaliseTotpCode(code);
      if (typed === undefined) return false;
      const now = clock();
      return factors.update<boolean>(userId, (document) => {
        const totp = document.totp;
        if (totp === null || totp.confirmedAt === null) return { refuse: false };
        const step = acceptedStep(secretOf(userId, document), typed, now, totp.lastStep);
        if (step === undefined) return { refuse: false };
        return { document: { ...document, totp: { ...totp, lastStep: step } }, result: true };
      });
    },
    async useRecoveryCode(userId, code) {
      const typed = normaliseRecoveryCode(code);
      if (typed === undefined) return undefined;
      const hash = keys.recoveryCodeHash(typed);
      return factors.update<number | undefined>(userId, (document) => {
        // Every stored hash is compared, in constant time each: the position of a match leaks nothing.
        let match = -1;
        document.recoveryCodes.forEach((stored, index) => {
          if (constantTimeEqual(stored, hash)) match = index;
        });
        if (match < 0) return { refuse: undefined };
        const recoveryCodes = document.recoveryCodes.filter((_, index) => index !== match);
        return { document: { ...document, recoveryCodes }, result: recoveryCodes.length };
      });
    },
    async newRecoveryCodes(userId) {
      const codes = newRecoveryCodes();
      await factors.update(userId, (document) => ({
        document: { ...document, recoveryCodes: hashes(codes) },
        result: undefined,
      }));
      return codes;
    },
    async passkeyRegistrationOptions(user) {
      const { document } = await factors.load(user.id);
      if (document.passkeys.length >= MAX_PASSKEYS)
        throw new AuthError('conflict', `At most ${MAX_PASSKEYS} passkeys per account`, {
          reason: 'too_many_passkeys',
        });
      const passkeyOptions = await registrationOptions(relyingParty, user, document.passkeys);
      const { binding } = await ceremonies.begin({
        kind: 'register',
        challenge: passkeyOptions.challenge,
        userId: user.id,
        pendingLoginKey: undefined,
      });
      return { options: passkeyOptions, binding };
    },
    async registerPasskey(userId, binding, response, name) {
      const ceremony = await ceremonies.finish(binding, 'register');
      if (ceremony === undefined || ceremony.userId !== userId) return undefined;
      const passkey = await verifyRegistration(relyingParty, response, ceremony.challenge);
      if (passkey === undefined) return undefined;
      const stored: StoredPasskey = { ...passkey, name, createdAt: clock(), lastUsedAt: null };
      const codes = newRecoveryCodes();
      return factors.update<{ passkey: StoredPasskey; recoveryCodes: string[] } | undefined>(
        userId,
        (document) => {
          if (
            document.passkeys.some((existing) => existing.id === stored.id) ||
            document.passkeys.length >= MAX_PASSKEYS
          )
            return { refuse: undefined };
          // A first factor brings recovery codes, whichever it is: a lost passkey must not lock its owner out.
          const firstCodes = document.recoveryCodes.length === 0;
          return {
            document: {
              ...document,
              passkeys: [...document.passkeys, stored],
              recoveryCodes: firstCodes ? hashes(codes) : document.recoveryCodes,
            },
            result: { passkey: stored, recoveryCodes: firstCodes ? codes : [] },
          };
        },
      );
    },
    async passkeyLoginOptions(pending) {
      const allowed =
        pending === undefined ? undefined : (await factors.load(pending.userId)).document.passkeys;
      const passkeyOptions = await authenticationOptions(relyingParty, allowed);
      const { binding } = await ceremonies.begin({
        kind: 'login',
        challenge: passkeyOptions.challenge,
        userId: pending?.userId,
        pendingLoginKey: pending?.key,
      });
      return { options: passkeyOptions, binding };
    },
    async verifyPasskey(binding, response, expected) {
      const ceremony = await ceremonies.finish(binding, 'login');
      if (ceremony === undefined) return undefined;
      // A second step's challenge works only with its own mfa_token; a passwordless one only without one.
      if (ceremony.pendingLoginKey !== expected.pendingLoginKey) return undefined;
      const claimed = claimedCredential(response);
      if (claimed === undefined) return undefined;
      let userId = ceremony.userId ?? expected.userId;
      if (userId === undefined) {
        // Passwordless: the authenticator names its user (the id given at registration); the credential
        // must then be one of that user's, so a made-up handle leads nowhere.
        if (claimed.userHandle === undefined) return undefined;
        userId = Buffer.from(claimed.userHandle, 'base64url').toString('utf8');
      }
      const owner = userId;
      const { document } = await factors.load(owner);
      const passkey = document.passkeys.find((candidate) => candidate.id === claimed.id);
      if (passkey === undefined) return undefined;
      const verified = await verifyAssertion(
        relyingParty,
        response,
        ceremony.challenge,
        passkey,
        expected.requireUserVerification,
      );
      if (verified === undefined) return undefined;
      const now = clock();
      // The new sign count is stored only if it still moves forward from the newest stored one: of two
      // assertions with one count (a cloned authenticator, a replay) racing here, one at most passes.
      const recorded = await factors.update<boolean>(owner, (latest) => {
        const current = latest.passkeys.find((candidate) => candidate.id === passkey.id);
        if (current === undefined) return { refuse: false };
        const forward =
          verified.newCounter > current.counter || (verified.newCounter === 0 && current.counter === 0);
        if (!forward) return { refuse: false };
        const passkeys = latest.passkeys.map((candidate) =>
          candidate.id === passkey.id
            ? { ...candidate, counter: verified.newCounter, lastUsedAt: now }
            : candidate,
        );
        return { document: { ...latest, passkeys }, result: true };
      });
      return recorded ? { userId: owner, userVerified: verified.userVerified } : undefined;
    },
    removePasskey: (userId, id) =>
      factors.update<boolean>(userId, (document) =>
        document.passkeys.some((passkey) => passkey.id === id)
          ? {
              document: withoutOrphanCodes({
                ...document,
                passkeys: document.passkeys.filter((p) => p.id !== id),
              }),
              result: true,
            }
          : { refuse: false },
      ),
    removeAll: (userId) => factors.remove(userId),
  };
}
