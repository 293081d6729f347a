import type { Clock } from '../lib/clock.js';
import { sha256 } from '../lib/hash.js';
import { randomToken } from '../lib/random.js';
import type { MfaStore } from '../stores/mfa-store.js';

/** What a WebAuthn challenge was issued for, so that it is accepted by that ceremony only. */
export interface CeremonyRecord {
  readonly kind: 'register' | 'login';
  readonly challenge: string;
  /** Registration: the signed-in user. Second factor: the pending login's user. Passwordless: none. */
  readonly userId: string | undefined;
  /** Second factor: the store key of the `mfa_token` it must be presented with. */
  readonly pendingLoginKey: string | undefined;
}

/**
 * WebAuthn challenges, single use and bound to the browser: each is stored under the hash of a random
 * value that only the browser that asked for it holds, in an HttpOnly cookie. A challenge read by anyone
 * else (or presented from another browser) is useless, and `finish` spends it whatever the outcome.
 */
export interface WebAuthnCeremonies {
  begin(record: CeremonyRecord): Promise<{ binding: string }>;
  /** Spends the browser's challenge: its record when live and of `kind`, otherwise `undefined`. */
  finish(binding: string | undefined, kind: CeremonyRecord['kind']): Promise<CeremonyRecord | undefined>;
}

const BINDING_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function createWebAuthnCeremonies(
  store: MfaStore,
  ttlSeconds: number,
  clock: Clock,
): WebAuthnCeremonies {
  const keyOf = (binding: string) => `webauthn:${sha256(binding)}`;
  return {
    async begin(record) {
      const binding = randomToken(32);
      await store.putChallenge(keyOf(binding), JSON.stringify(record), clock() + ttlSeconds * 1000);
      return { binding };
    },
    async finish(binding, kind) {
      if (binding === undefined || !BINDING_SHAPE.test(binding)) return undefined;
      const value = await store.takeChallenge(keyOf(binding), clock());
      if (value === null) return undefined;
      const record = JSON.parse(value) as CeremonyRecord;
      return record.kind === kind ? record : undefined;
    },
  };
}
