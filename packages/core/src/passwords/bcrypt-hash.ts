import type { BcryptFunctions } from './load-bcrypt.js';

/** Version, cost and salt of a stored bcrypt hash (`$2b$12$` + 22 characters of salt + 31 of digest). */
export interface BcryptHashInfo {
  /** `a`, `b` and `y` are the same algorithm; `x` marks crypt_blowfish's 8-bit bug (CVE-2011-2483). */
  version: 'a' | 'b' | 'x' | 'y';
  /** 4 to 31: the hash took 2^cost rounds. */
  cost: number;
  /** The 22 characters of salt, as stored (bcrypt's own base64). */
  salt: string;
}

/** How a legacy system turned the password typed into the text it bcrypt-hashed. */
export type LegacyPasswordForm = 'none' | 'NFC' | 'NFKC';

// Strict modular-crypt form. @node-rs/bcrypt's own parser also takes spellings such as a "+4" cost; a legacy
// hash that does not look exactly like this is not one portcullis will vouch for.
const BCRYPT_HASH = /^\$2([abxy])\$(\d\d)\$([./A-Za-z0-9]{22})[./A-Za-z0-9]{31}$/;
const MIN_COST = 4;
const MAX_COST = 31;
const BCRYPT_BASE64 = './ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const SALT_BYTES = 16;
const DIGEST_LENGTH = 31;

/** True when the stored hash is in bcrypt's `$2?$` family, whether or not portcullis will verify it. */
export function isBcryptFamily(storedHash: string): boolean {
  return storedHash.startsWith('$2');
}

/** Reads version, cost and salt of a well-formed bcrypt hash (cost 4 to 31); `undefined` for anything else. */
export function parseBcryptHash(storedHash: string): BcryptHashInfo | undefined {
  const match = BCRYPT_HASH.exec(storedHash);
  if (match === null) return undefined;
  const cost = Number(match[2]);
  if (cost < MIN_COST || cost > MAX_COST) return undefined;
  return { version: match[1] as BcryptHashInfo['version'], cost, salt: match[3] as string };
}

/**
 * True when the salt and digest leave their spare bits zero, as bcrypt writes them. @node-rs/bcrypt never
 * verifies a hash that sets them (it compares encodings), so neither does a wrapped hash made from one.
 */
export function hasCanonicalEncoding(storedHash: string): boolean {
  const saltEnd = BCRYPT_BASE64.indexOf(storedHash.charAt(28));
  const digestEnd = BCRYPT_BASE64.indexOf(storedHash.charAt(59));
  return storedHash.length === 60 && (saltEnd & 0b1111) === 0 && (digestEnd & 0b11) === 0;
}

/** True for a `$2a$`, `$2b$` or `$2y$` hash that bcrypt would verify: one `wrapLegacyBcryptHash` takes. */
export function isWrappableBcryptHash(storedHash: string): boolean {
  const info = parseBcryptHash(storedHash);
  return info !== undefined && info.version !== 'x' && hasCanonicalEncoding(storedHash);
}

/** `$2b$12$` + salt: a bcrypt hash without its digest, spelled as it was stored. */
export function bcryptSettings(info: BcryptHashInfo): string {
  return `$2${info.version}$${String(info.cost).padStart(2, '0')}$${info.salt}`;
}

/**
 * The text a legacy system hashed for this password: as typed (`'none'`, what bcrypt libraries do) or in a
 * Unicode normal form. One form only, so that a login costs one bcrypt whatever characters it holds.
 */
export function legacyPasswordText(password: string, form: LegacyPasswordForm): string {
  return form === 'none' ? password : password.normalize(form);
}

/** Verifies a legacy bcrypt hash on the libuv threadpool: one bcrypt computation at the hash's cost. */
export function verifyBcrypt(bcrypt: BcryptFunctions, storedHash: string, text: string): Promise<boolean> {
  return bcrypt.verify(text, storedHash);
}

// The 22 characters carry 132 bits; the salt is the first 128, as every bcrypt decodes it (the spare bits of
// a salt some other implementation wrote are ignored, not refused).
function decodeSalt(salt: string): Uint8Array {
  const bytes = new Uint8Array(SALT_BYTES);
  let bits = 0;
  let buffer = 0;
  let length = 0;
  for (const char of salt) {
    buffer = (buffer << 6) | BCRYPT_BASE64.indexOf(char);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      if (length < SALT_BYTES) bytes[length++] = (buffer >> bits) & 0xff;
    }
  }
  return bytes;
}

/**
 * Recomputes the bcrypt hash a legacy system stored for `text`, with the salt and cost of `info` (one
 * bcrypt computation on the libuv threadpool), spelled as that system spelled it: the input of a wrapped
 * hash's argon2id.
 */
export async function recomputeBcrypt(
  bcrypt: BcryptFunctions,
  info: BcryptHashInfo,
  text: string,
): Promise<string> {
  const version = info.version === 'x' ? '2b' : (`2${info.version}` as const);
  const computed = await bcrypt.hash(text, { salt: decodeSalt(info.salt), cost: info.cost, version });
  return bcryptSettings(info) + computed.slice(-DIGEST_LENGTH);
}
