import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import type { Clock } from '../lib/clock.js';
import { constantTimeEqual } from '../lib/constant-time.js';
import { emailForCounting } from './email-for-counting.js';

/** Signs and checks the value of the device cookie (`__Host-portcullis-device`). */
export interface DeviceCookies {
  /** A new value for a browser that just logged in to the account of `email`. */
  issue(email: string): string;
  /**
   * The device id of `value` when it is a genuine, unexpired device cookie earned for the account of
   * `email`; otherwise `undefined` (forged, altered, expired, or another account's).
   */
  verify(value: string | undefined, email: string): string | undefined;
}

const VERSION = 'd1';
const DEVICE_ID_BYTES = 16;
const TAG_BYTES = 16;
const SIGNATURE_BYTES = 32;
const SHAPE = /^d1\.[0-9a-z]{1,11}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/;

/**
 * Device cookies (OWASP's "device cookies" against account lockout): an opaque value
 * `d1.<expiry>.<device id>.<account tag>.<signature>`, where the account tag is a keyed hash of the
 * normalised e-mail (the cookie names its account without showing it) and the signature an HMAC-SHA-256 of
 * the rest, under a key derived (HKDF) from a server secret. A client can neither forge one nor move one to
 * another account, and it expires with its own clock reading, not only the browser's `Max-Age`.
 *
 * @example
 * const devices = createDeviceCookies({ secret, maxAge: 180 * 86_400 });
 * const value = devices.issue('alice@example.com');
 * devices.verify(value, 'Alice@Example.com'); // the device id
 */
export function createDeviceCookies(options: {
  secret: Uint8Array;
  maxAge: number;
  clock: Clock;
}): DeviceCookies {
  const key = Buffer.from(
    hkdfSync('sha256', options.secret, 'portcullis', 'portcullis device cookie v1', 32),
  );
  const mac = (text: string, bytes: number) =>
    createHmac('sha256', key).update(text, 'utf8').digest().subarray(0, bytes).toString('base64url');
  const accountTag = (email: string) => mac(`account\n${emailForCounting(email)}`, TAG_BYTES);

  return {
    issue(email) {
      const expiry = Math.floor(options.clock() / 1000 + options.maxAge).toString(36);
      const body = `${VERSION}.${expiry}.${randomBytes(DEVICE_ID_BYTES).toString('base64url')}.${accountTag(email)}`;
      return `${body}.${mac(`cookie\n${body}`, SIGNATURE_BYTES)}`;
    },
    verify(value, email) {
      if (value === undefined || !SHAPE.test(value)) return undefined;
      const cut = value.lastIndexOf('.');
      const body = value.slice(0, cut);
      if (!constantTimeEqual(value.slice(cut + 1), mac(`cookie\n${body}`, SIGNATURE_BYTES))) return undefined;
      const [, expiry, id, tag] = body.split('.') as [string, string, string, string];
      if (Number.parseInt(expiry, 36) * 1000 <= options.clock()) return undefined;
      return constantTimeEqual(tag, accountTag(email)) ? id : undefined;
    },
  };
}
