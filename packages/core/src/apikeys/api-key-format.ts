import { crc32 } from './crc32.js';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The prefix of keys when none is configured. */
export const DEFAULT_API_KEY_PREFIX = 'pc_live';
/** Characters of the public key id: the first part of the random section, used for the store lookup. */
export const API_KEY_ID_LENGTH = 12;
/** Characters of the secret: 43 × log2(62) ≈ 256.03 bits. */
export const API_KEY_SECRET_LENGTH = 43;
/** Characters of the checksum: 62^6 > 2^32, so every CRC-32 value has exactly one encoding. */
export const API_KEY_CHECKSUM_LENGTH = 6;
/** Longer input is refused before any parsing, hashing or lookup. */
export const MAX_API_KEY_LENGTH = 256;
const MAX_PREFIX_LENGTH = 32;

const RANDOM_LENGTH = API_KEY_ID_LENGTH + API_KEY_SECRET_LENGTH;
// Lowercase segments joined by single underscores, starting with a letter: `pc_live`, `acme_test2`.
const PREFIX = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)*$/;
const BASE62_ONLY = /^[0-9A-Za-z]*$/;

/** The public parts of a well-formed API key. The secret is deliberately not returned. */
export interface ParsedApiKey {
  prefix: string;
  /** The public key id (safe to log). */
  id: string;
  /** Whether the trailing CRC-32 matches: `false` means a typo or a truncated copy, never a real key. */
  checksumOk: boolean;
}

/**
 * True for a prefix keys can be issued under: lowercase letters, digits and single underscores, at most 32
 * characters, starting with a letter (so the prefix can never be confused with the base62 parts).
 *
 * @example isValidApiKeyPrefix('pc_test') // true; isValidApiKeyPrefix('PC-live') // false
 */
export function isValidApiKeyPrefix(prefix: unknown): prefix is string {
  return typeof prefix === 'string' && prefix.length <= MAX_PREFIX_LENGTH && PREFIX.test(prefix);
}

function base62Fixed(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = BASE62[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

/** The 6-character base62 CRC-32 of `body` (`<prefix>_<random>`, everything before the last underscore). */
export function apiKeyChecksum(body: string): string {
  return base62Fixed(crc32(Buffer.from(body, 'utf8')), API_KEY_CHECKSUM_LENGTH);
}

/** Assembles `<prefix>_<id><secret>_<checksum>`. Internal: keys are only made by `generateApiKey`. */
export function formatApiKey(prefix: string, random: string): string {
  const body = `${prefix}_${random}`;
  return `${body}_${apiKeyChecksum(body)}`;
}

/**
 * Splits an API key into its public parts without any store access, or returns `null` when it is not
 * shaped like one (wrong length, alphabet or separators). The checksum is reported, not enforced, so a
 * scanner can tell "a real key leaked" (`checksumOk`) from "something key-shaped".
 *
 * @example
 * parseApiKey(key) // { prefix: 'pc_live', id: '4fQ…', checksumOk: true }
 */
export function parseApiKey(key: unknown): ParsedApiKey | null {
  if (typeof key !== 'string' || key.length > MAX_API_KEY_LENGTH) return null;
  // Parsed from the end: the random part and the checksum have fixed lengths and no underscore, so the
  // prefix (which may contain underscores) is whatever precedes them.
  const checksumStart = key.length - API_KEY_CHECKSUM_LENGTH;
  const randomStart = checksumStart - 1 - RANDOM_LENGTH;
  const prefixEnd = randomStart - 1;
  if (prefixEnd < 1 || key[prefixEnd] !== '_' || key[checksumStart - 1] !== '_') return null;
  const prefix = key.slice(0, prefixEnd);
  const random = key.slice(randomStart, checksumStart - 1);
  const checksum = key.slice(checksumStart);
  if (!isValidApiKeyPrefix(prefix) || !BASE62_ONLY.test(random) || !BASE62_ONLY.test(checksum)) return null;
  return {
    prefix,
    id: random.slice(0, API_KEY_ID_LENGTH),
    checksumOk: apiKeyChecksum(key.slice(0, checksumStart - 1)) === checksum,
  };
}

/**
 * True when `value` is a well-formed API key with a valid checksum, under any prefix: for secret scanners
 * and for redacting keys from logs. It proves the key was not mistyped, not that it exists.
 *
 * @example
 * if (looksLikeApiKey(header)) log.warn('API key sent in the wrong header');
 */
export function looksLikeApiKey(value: unknown): boolean {
  return parseApiKey(value)?.checksumOk === true;
}
