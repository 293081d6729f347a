import { Secret, TOTP } from 'otpauth';
import { renderSVG } from 'uqr';

/** RFC 6238 as every authenticator app reads it: HMAC-SHA-1, 6 digits, 30-second steps. */
const PERIOD = 30;
const DIGITS = 6;
/** 160 bits, RFC 4226's recommended secret length. */
const SECRET_BYTES = 20;
/** One step either side of now: a code typed as it rolls over, or a clock a few seconds off. */
const WINDOW = 1;

/** A fresh TOTP secret, as bytes (to seal) and base32 (for the user's app). */
export function newTotpSecret(): { bytes: Uint8Array; base32: string } {
  const secret = new Secret({ size: SECRET_BYTES });
  return { bytes: new Uint8Array(secret.bytes), base32: secret.base32 };
}

/** The secret's base32 form (as shown to the user). */
export function base32Of(bytes: Uint8Array): string {
  return new Secret({ buffer: Uint8Array.from(bytes).buffer }).base32;
}

function totpOf(bytes: Uint8Array, issuer = '', label = ''): TOTP {
  return new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: DIGITS,
    period: PERIOD,
    secret: new Secret({ buffer: Uint8Array.from(bytes).buffer }),
  });
}

/** The `otpauth://totp/...` URI an authenticator app imports (Key Uri Format). */
export function totpUri(bytes: Uint8Array, issuer: string, accountName: string): string {
  return totpOf(bytes, issuer, accountName).toString();
}

/** The URI as a QR code, an SVG document for the enrolment page. */
export function qrCodeSvg(uri: string): string {
  return renderSVG(uri, { border: 2 });
}

/** The 30-second step of a time (ms). */
export function stepAt(nowMs: number): number {
  return Math.floor(nowMs / 1000 / PERIOD);
}

const CODE_SHAPE = /^\d{6}$/;

/** A code as typed ("123 456"), or `undefined` when it cannot be a code. */
export function normaliseTotpCode(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const code = value.replace(/[\s-]/g, '');
  return CODE_SHAPE.test(code) ? code : undefined;
}

/**
 * The step `code` is valid for, within one step of now and newer than `lastStep`; `undefined` when it is not
 * valid, or valid only for a step already used (a replay) or older.
 */
export function acceptedStep(
  bytes: Uint8Array,
  code: string,
  nowMs: number,
  lastStep: number,
): number | undefined {
  const delta = totpOf(bytes).validate({ token: code, timestamp: nowMs, window: WINDOW });
  if (delta === null) return undefined;
  const step = stepAt(nowMs) + delta;
  return step > lastStep ? step : undefined;
}
