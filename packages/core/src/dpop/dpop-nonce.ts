import { createHmac, hkdfSync, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../lib/clock.js';

/** Server-provided DPoP nonces (RFC 9449 §8): issued and checked without a store. */
export interface DpopNonces {
  /** The nonce to send now in `DPoP-Nonce`. */
  current(): string;
  /** Whether `nonce` is one this server (any instance sharing the secret) issued in the current or previous period. */
  isValid(nonce: unknown): boolean;
}

/**
 * Nonces that every instance sharing `secret` issues and accepts: the period's number and an HMAC of it
 * under a key derived (HKDF) for this purpose alone. A nonce lives one to two `lifetimeSeconds`; nothing is
 * stored, so a nonce is no replay guard by itself — the proof's `jti` is, and the nonce bounds how early a
 * proof can have been made.
 */
export function createDpopNonces(secret: Uint8Array, lifetimeSeconds: number, clock: Clock): DpopNonces {
  const key = Buffer.from(hkdfSync('sha256', secret, 'portcullis', 'portcullis dpop nonce v1', 32));
  const periodMs = lifetimeSeconds * 1000;
  const mac = (period: number) => createHmac('sha256', key).update(String(period)).digest().subarray(0, 18);
  const nonceOf = (period: number) => `${period.toString(36)}.${mac(period).toString('base64url')}`;
  let cached: { period: number; nonce: string } | undefined;
  return Object.freeze({
    current() {
      const period = Math.floor(clock() / periodMs);
      if (cached?.period !== period) cached = { period, nonce: nonceOf(period) };
      return cached.nonce;
    },
    isValid(nonce: unknown) {
      if (typeof nonce !== 'string' || nonce.length > 64) return false;
      const dot = nonce.indexOf('.');
      if (dot <= 0) return false;
      const period = Number.parseInt(nonce.slice(0, dot), 36);
      const now = Math.floor(clock() / periodMs);
      if (!Number.isSafeInteger(period) || (period !== now && period !== now - 1)) return false;
      if (period.toString(36) !== nonce.slice(0, dot)) return false;
      const given = Buffer.from(nonce.slice(dot + 1), 'base64url');
      const expected = mac(period);
      return given.length === expected.length && timingSafeEqual(given, expected);
    },
  });
}
