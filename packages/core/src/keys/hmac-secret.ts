/** The command that makes a good secret, for start-up errors about a missing or weak one. */
export const GENERATE_HINT =
  "Generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"";

// Values that appear in tutorials, .env.example files and jwt.io. Compared after lower-casing and stripping
// everything but letters and digits, and also as a repeated pattern ("secretsecretsecret…").
const PLACEHOLDERS = [
  'secret',
  'changeme',
  'changethis',
  'password',
  'yoursecret',
  'mysecret',
  'supersecret',
  'topsecret',
  'jwtsecret',
  'secretkey',
  'yourjwtsecret',
  'your256bitsecret',
  'yoursecretkey',
  'default',
  'example',
  'test',
  'token',
  'qwerty',
  'letmein',
  'admin',
  'key',
  'xxxxxxxx',
  '12345678',
  'abcdefgh',
];

function isPlaceholder(secret: string): boolean {
  const normalized = secret.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (normalized.length === 0) return true;
  for (const placeholder of PLACEHOLDERS) {
    if (normalized.includes(placeholder) && normalized.length < placeholder.length * 2 + 8) return true;
    // A placeholder repeated to pass a length check.
    if (normalized.replaceAll(placeholder, '').length <= 4) return true;
  }
  return false;
}

/** Shannon entropy of the byte distribution times length: an upper bound on the secret's real entropy. */
export function estimatedEntropyBits(bytes: Uint8Array): number {
  const counts = new Map<number, number>();
  for (const byte of bytes) counts.set(byte, (counts.get(byte) ?? 0) + 1);
  let bitsPerByte = 0;
  for (const count of counts.values()) {
    const p = count / bytes.length;
    bitsPerByte -= p * Math.log2(p);
  }
  return bitsPerByte * bytes.length;
}

/** Minimum estimated entropy: 32 random bytes score about 150 bits by this estimate, hex-encoded ones about 250. */
const MIN_ENTROPY_BITS = 128;

/**
 * Refuses an HMAC secret that is shorter than `minBytes`, a well-known placeholder, or of low entropy,
 * with a `TypeError` that says how to generate a good one (and never repeats the secret).
 *
 * @example assertStrongHmacSecret(Buffer.from('changeme')) // throws TypeError
 */
export function assertStrongHmacSecret(secret: Uint8Array, minBytes = 32): void {
  if (secret.length < minBytes) {
    throw new TypeError(
      `HMAC secret is too short (${secret.length} bytes); use at least ${minBytes} random bytes. ${GENERATE_HINT}`,
    );
  }
  // Placeholders are typed text; raw random bytes are judged by entropy alone.
  const isPrintableText = secret.every((byte) => byte >= 0x20 && byte <= 0x7e);
  if (isPrintableText && isPlaceholder(Buffer.from(secret).toString('latin1'))) {
    throw new TypeError(
      `HMAC secret is a well-known placeholder value; use random bytes instead. ${GENERATE_HINT}`,
    );
  }
  if (estimatedEntropyBits(secret) < MIN_ENTROPY_BITS) {
    throw new TypeError(
      `HMAC secret has too little entropy (too few distinct characters or a repeated pattern). ${GENERATE_HINT}`,
    );
  }
}

/** Accepts a secret given as text (UTF-8 bytes, as jsonwebtoken does) or as raw bytes. */
export function hmacSecretBytes(secret: string | Uint8Array): Uint8Array {
  return typeof secret === 'string' ? Buffer.from(secret, 'utf8') : secret;
}
