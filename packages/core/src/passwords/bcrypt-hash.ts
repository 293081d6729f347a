import { verify as bcryptVerify } from '@node-rs/bcrypt';

/** Version and cost of a stored bcrypt hash (`$2b$12$` + 22 characters of salt + 31 of digest). */
export interface BcryptHashInfo {
  /** `a`, `b` and `y` are the same algorithm; `x` marks crypt_blowfish's 8-bit bug (CVE-2011-2483). */
  version: 'a' | 'b' | 'x' | 'y';
  cost: number;
}

// Strict modular-crypt form. @node-rs/bcrypt's own parser also takes spellings such as a "+4" cost; a legacy
// hash that does not look exactly like this is not one portcullis will vouch for.
const BCRYPT_HASH = /^\$2([abxy])\$(\d\d)\$[./A-Za-z0-9]{53}$/;

/** True when the stored hash is in bcrypt's `$2?$` family, whether or not portcullis will verify it. */
export function isBcryptFamily(storedHash: string): boolean {
  return storedHash.startsWith('$2');
}

/** Reads the version and cost of a well-formed bcrypt hash; `undefined` for anything else. */
export function parseBcryptHash(storedHash: string): BcryptHashInfo | undefined {
  const match = BCRYPT_HASH.exec(storedHash);
  if (match === null) return undefined;
  return { version: match[1] as BcryptHashInfo['version'], cost: Number(match[2]) };
}

/**
 * Verifies a legacy bcrypt hash (on the libuv threadpool). Tries the NFKC form first and, when the legacy
 * system may have hashed the text as typed, the raw form too: a migration must not lock out a user whose old
 * system did not normalise. The upgraded hash is always made from the NFKC form.
 */
export async function verifyBcrypt(storedHash: string, normalized: string, raw: string): Promise<boolean> {
  if (await bcryptVerify(normalized, storedHash)) return true;
  return raw !== normalized && (await bcryptVerify(raw, storedHash));
}
