/**
 * Spent OAuth `state` values, so that each sign-in round trip completes at most once.
 *
 * Contract for implementations: `consume` is atomic — of N concurrent calls with the same `key`, exactly
 * one resolves `true`, every other resolves `false`, and so does every later call until `expiresAt` (ms).
 * After `expiresAt` the entry may be dropped (a networked store sets a TTL): the state it guards has
 * expired by then anyway. A store that cannot answer must throw, never resolve `true`.
 *
 * A PostgreSQL store implements it as `INSERT … ON CONFLICT DO NOTHING` (one row inserted means `true`);
 * a Redis store as `SET key 1 NX PXAT expiresAt`.
 */
export interface OAuthStateStore {
  /** Marks `key` as spent until `expiresAt`; resolves `true` only the first time. */
  consume(key: string, expiresAt: number): Promise<boolean>;
}
