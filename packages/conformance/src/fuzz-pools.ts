// The HTTP fuzz's credentials: pools of real values (set-up's, and whatever the app handed out since),
// named in a plan by placeholders (`{{refresh:1}}`, `{{access:2~}}` for one with a character changed) and
// filled in when the connection opens; and the made-up values a request may carry instead.
import { secret } from './client.js';
import type { Random } from './fuzz-random.js';

export type PoolName =
  | 'access'
  | 'refresh'
  | 'session'
  | 'device'
  | 'apiKey'
  | 'apiKeyId'
  | 'email'
  | 'password'
  // The fuzz's OAuth client: its secret, its Basic credentials, a token of it bound to a DPoP key.
  | 'clientSecret'
  | 'basic'
  | 'boundAccess'
  // Valid DPoP proofs of that key, each single-use: for /oauth/token, /auth/login, /auth/refresh, and
  // for GET /me with the bound token.
  | 'dpopToken'
  | 'dpopLogin'
  | 'dpopRefresh'
  | 'dpopMe';
export type Pools = Record<PoolName, string[]>;

const PLACEHOLDER = /\{\{([a-zA-Z]+):(\d+)(~)?\}\}/g;

/** Fills placeholders from the pools (`~`: the value with one character changed). */
export function fill(pools: Pools, text: string): string {
  return text.replace(PLACEHOLDER, (_m, pool: string, n: string, mutate?: string) => {
    // Own members only: junk text may spell `{{constructor:0}}`.
    const values = Object.hasOwn(pools, pool) ? pools[pool as PoolName] : [];
    if (values.length === 0) return `no-${pool}`;
    const value = values[Number(n) % values.length]!;
    if (mutate === undefined || value.length === 0) return value;
    const i = Number(n) % value.length;
    return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
  });
}

/** A password the fuzzer makes up, remembered as a secret: the app must never log it. */
export const madeUpPassword = (r: Random) =>
  secret(`fuzz-pw-${r.int(0, 1e9).toString(36)}-${r.int(0, 1e9).toString(36)}`);

export const poolRef = (r: Random, pool: PoolName) =>
  `{{${pool}:${r.int(0, 4)}${r.chance(0.15) ? '~' : ''}}}`;

const LATIN1_JUNK = ' !"#$%&\'()*+,-./0123456789:;<=>?@ABCZ[\\]^_`az{|}~\u00a0\u00e9\u00ff';

export function junkText(r: Random): string {
  const length = r.weighted([
    [6, () => r.int(0, 40)],
    [1, () => r.int(40, 5000)],
  ])();
  let text = '';
  for (let i = 0; i < length; i++) text += r.pick([...LATIN1_JUNK]);
  return text;
}
