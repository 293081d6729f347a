import type { SealedSecret } from '../keys/secret-sealer.js';

/** A TOTP factor: its secret sealed under a key derived from the server secret, and its last used step. */
export interface StoredTotp {
  secret: SealedSecret;
  /** ms since the epoch when a first valid code confirmed it, or `null` while enrolment waits for one. */
  confirmedAt: number | null;
  /** The newest 30-second step a code was accepted for: a code of this step or an older one is a replay. */
  lastStep: number;
  createdAt: number;
}

/** A passkey (WebAuthn credential), everything public: its id, COSE public key and sign count. */
export interface StoredPasskey {
  /** The credential id, base64url. */
  id: string;
  /** COSE public key, base64url. */
  publicKey: string;
  counter: number;
  transports: string[];
  /** `multiDevice`: a synced passkey; `singleDevice`: bound to one authenticator. */
  deviceType: 'singleDevice' | 'multiDevice';
  backedUp: boolean;
  name: string;
  createdAt: number;
  lastUsedAt: number | null;
}

/** Every second factor of one user, as one stored JSON document (`MfaStore.saveFactors`). */
export interface FactorDocument {
  v: 1;
  totp: StoredTotp | null;
  /** HMAC-SHA-256 of each unused recovery code, base64url. */
  recoveryCodes: string[];
  passkeys: StoredPasskey[];
}

export const NO_FACTORS: FactorDocument = Object.freeze({
  v: 1,
  totp: null,
  recoveryCodes: [],
  passkeys: [],
}) as FactorDocument;

/** Reads a stored document; anything unreadable is a store fault (it throws), never "no factors". */
export function parseFactorDocument(text: string): FactorDocument {
  const value = JSON.parse(text) as Partial<FactorDocument>;
  if (value === null || typeof value !== 'object' || value.v !== 1)
    throw new Error('stored second factors are not in a known format');
  return {
    v: 1,
    totp: value.totp ?? null,
    recoveryCodes: Array.isArray(value.recoveryCodes) ? value.recoveryCodes : [],
    passkeys: Array.isArray(value.passkeys) ? value.passkeys : [],
  };
}

/** Whether the user has a second factor that a login must ask for: a confirmed TOTP, or a passkey. */
export function hasSecondFactor(document: FactorDocument): boolean {
  return (document.totp !== null && document.totp.confirmedAt !== null) || document.passkeys.length > 0;
}

/** The second-step methods a user can finish a login with, as the `mfa_required` answer lists them. */
export function secondStepMethods(document: FactorDocument): string[] {
  const methods: string[] = [];
  if (document.totp?.confirmedAt != null) methods.push('totp');
  if (document.passkeys.length > 0) methods.push('webauthn');
  if (document.recoveryCodes.length > 0) methods.push('recovery_code');
  return methods;
}
