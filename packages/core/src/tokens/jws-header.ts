import { decodeJsonObject, invalidToken } from './compact.js';

/** What the rest of verification takes from a protected header: the algorithm it names and its key id. */
export interface CheckedHeader {
  readonly alg: string;
  readonly kid: string | undefined;
}

/** Accepted header segments remembered per verifier: one per signing key in practice, a few during rotation. */
const REMEMBERED_HEADERS = 8;

/** `typ` as RFC 9068 §4 compares it: case-insensitively, with an optional `application/` prefix. */
function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * Checks protected-header segments: `alg` a string other than `none`, no `crit` (no extension is
 * understood, RFC 7515 §4.1.11), `typ` the expected one (`null`: not checked), `kid` a string when present.
 * Whether `alg` fits the key is the key's business, checked once the key is found.
 *
 * Tokens signed by one key share one header segment, so a segment that passed is remembered and not parsed
 * again: the last 8 accepted, found by comparing strings (a token is a new string on every request, and a
 * map would hash it in full first). A refused segment is not remembered: junk costs a parse each time.
 *
 * @example
 * const checkHeader = createHeaderCheck('at+jwt');
 * checkHeader('eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCIsImtpZCI6ImsxIn0'); // { alg: 'EdDSA', kid: 'k1' }
 */
export function createHeaderCheck(typ: string | null): (segment: string) => CheckedHeader {
  const expectedTyp = typ === null ? null : normalizeTyp(typ);
  const segments: string[] = [];
  const checkedHeaders: CheckedHeader[] = [];
  let next = 0;
  return function checkHeader(segment) {
    for (let i = 0; i < segments.length; i++) if (segments[i] === segment) return checkedHeaders[i]!;
    const header = decodeJsonObject(segment, 'header');
    const { alg, kid } = header;
    if (typeof alg !== 'string' || alg === 'none') throw invalidToken('unsupported_alg');
    if ('crit' in header) throw invalidToken('unsupported_crit');
    const headerTyp = header['typ'];
    if (expectedTyp !== null && (typeof headerTyp !== 'string' || normalizeTyp(headerTyp) !== expectedTyp))
      throw invalidToken('wrong_typ');
    if (kid !== undefined && typeof kid !== 'string') throw invalidToken('malformed_kid');
    const checked: CheckedHeader = Object.freeze({ alg, kid });
    segments[next] = segment;
    checkedHeaders[next] = checked;
    next = next + 1 === REMEMBERED_HEADERS ? 0 : next + 1;
    return checked;
  };
}
