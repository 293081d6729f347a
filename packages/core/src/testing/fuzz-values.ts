// Test helper for the route fuzzer (routes.property.test.ts); not part of the package's public API.
// The fuzzer's values: placeholders that name a world's credentials symbolically (`{{refresh:2}}`,
// `{{apiKey:0~5}}` for that key with its 6th character changed, `{{access:1<}}` without its last one), so
// that a counterexample reads well, shrinks, and replays against any fresh world; and junk text.
import fc from 'fast-check';
import type { PoolName, World } from './fuzz-world.js';

/** `{{pool:n}}`, `{{pool:n~i}}` (character i changed) or `{{pool:n<}}` (last character dropped). */
const PLACEHOLDER = /\{\{([a-zA-Z]+):(\d+)(?:~(\d+)|(<))?\}\}/g;

/** Which value of a pool: mostly the first two (Alice's and the admin's, where a pool has both). */
export const index = fc.oneof({ weight: 3, arbitrary: fc.constantFrom(0, 1) }, fc.nat(6));

export const exact = (pool: PoolName) => index.map((n) => `{{${pool}:${n}}}`);

export const ref = (pool: PoolName) =>
  fc.oneof(
    { weight: 6, arbitrary: exact(pool) },
    { weight: 1, arbitrary: fc.tuple(index, fc.nat(400)).map(([n, i]) => `{{${pool}:${n}~${i}}}`) },
    { weight: 1, arbitrary: index.map((n) => `{{${pool}:${n}<}}`) },
  );

/** Replaces every placeholder with the world's value (or an obviously fake one when the pool is empty). */
export function resolve(world: World, text: string): string {
  return text.replace(PLACEHOLDER, (_match, pool: string, n: string, at?: string, cut?: string) => {
    // Own members only: a junk text may spell `{{constructor:0}}`.
    const values = Object.hasOwn(world.pools, pool) ? world.pools[pool as PoolName] : [];
    if (values.length === 0) return `no-${pool}`;
    const value = values[Number(n) % values.length]!;
    if (cut !== undefined) return value.slice(0, -1);
    if (at === undefined || value.length === 0) return value;
    const i = Number(at) % value.length;
    return value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
  });
}

export function resolveDeep(world: World, value: unknown): unknown {
  if (typeof value === 'string') return resolve(world, value);
  if (Array.isArray(value)) return value.map((item) => resolveDeep(world, item));
  if (value !== null && typeof value === 'object') {
    // defineProperty: a generated `__proto__` key stays an own member, as JSON.parse would make it.
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value))
      Object.defineProperty(out, key, { value: resolveDeep(world, item), enumerable: true, writable: true });
    return out;
  }
  return value;
}

const LONE_SURROGATES = ['\ud800', '\udfff', 'a\ud83d', '\u0000', '\r\n', '\u2028', '\ufeff'];

export const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom(
    ...LONE_SURROGATES,
    '',
    ' ',
    'null',
    'undefined',
    '__proto__',
    'constructor',
    '%',
    '%zz',
    '"',
  ),
  fc.nat(70_000).map((n) => 'x'.repeat(n)),
);
