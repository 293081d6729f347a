import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { serialize } from 'cookie';
import { readCookies } from '../cookies/read-cookies.js';
import type { RequestHeaders } from '../http/types.js';

/** What `start` remembers for the callback of one sign-in: kept only inside the encrypted state cookie. */
export interface OAuthStateRecord {
  readonly provider: string;
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  /** ms since the epoch. */
  readonly expiresAt: number;
}

/** Serialises, reads and clears the short-lived state cookie of each provider. */
export interface StateCookies {
  name(provider: string): string;
  /** The `Set-Cookie` value carrying `record`, encrypted and authenticated. */
  seal(record: OAuthStateRecord): string;
  /** The record of this provider's state cookie, or `undefined` when it is absent, forged, altered or another provider's. */
  open(provider: string, headers: RequestHeaders): OAuthStateRecord | undefined;
  /** The `Set-Cookie` value that deletes the provider's state cookie. */
  clear(provider: string): string;
}

const PREFIX = '__Host-portcullis-oauth-';
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const EPOCH = new Date(0);

function attributes(maxAge: number) {
  // SameSite=Lax, not Strict: the callback is a top-level GET navigation coming from the provider's site.
  return { maxAge, path: '/', httpOnly: true, secure: true, sameSite: 'lax' as const };
}

/**
 * The state cookie: `__Host-portcullis-oauth-<provider>`, `HttpOnly; Secure; SameSite=Lax; Path=/`, a
 * `Max-Age` of the state's lifetime. Its value is the whole record under AES-256-GCM with a key derived
 * (HKDF-SHA-256) from a server secret, the cookie name as additional data: a client can neither read the
 * PKCE verifier or nonce nor forge or move a record to another provider. Only the browser that called
 * `start` holds it, which binds `state` to that browser.
 */
export function createStateCookies(options: { secret: Uint8Array; maxAge: number }): StateCookies {
  const key = Buffer.from(
    hkdfSync('sha256', options.secret, 'portcullis', 'portcullis oauth state cookie v1', 32),
  );
  const name = (provider: string) => `${PREFIX}${provider}`;

  return {
    name,
    seal(record) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(name(record.provider)));
      const plain = JSON.stringify({
        v: VERSION,
        p: record.provider,
        s: record.state,
        n: record.nonce,
        c: record.codeVerifier,
        e: record.expiresAt,
      });
      const sealed = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return serialize(name(record.provider), sealed.toString('base64url'), attributes(options.maxAge));
    },
    open(provider, headers) {
      const value = readCookies(headers)[name(provider)];
      if (value === undefined || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
      const sealed = Buffer.from(value, 'base64url');
      if (sealed.length <= IV_BYTES + TAG_BYTES) return undefined;
      let plain: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(0, IV_BYTES));
        decipher.setAAD(Buffer.from(name(provider)));
        decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
        plain = Buffer.concat([
          decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        return undefined; // altered, forged, or sealed under another secret
      }
      let data: Record<string, unknown>;
      try {
        data = JSON.parse(plain) as Record<string, unknown>;
      } catch {
        return undefined;
      }
      const { v, p, s, n, c, e } = data ?? {};
      if (v !== VERSION || p !== provider || typeof s !== 'string' || typeof n !== 'string') return undefined;
      if (typeof c !== 'string' || typeof e !== 'number') return undefined;
      return Object.freeze({ provider: p, state: s, nonce: n, codeVerifier: c, expiresAt: e });
    },
    clear(provider) {
      return serialize(name(provider), '', { ...attributes(0), expires: EPOCH });
    },
  };
}
