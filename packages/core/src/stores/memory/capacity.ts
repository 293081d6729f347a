/**
 * Memory stores are bounded. When one is full after dropping expired entries it refuses new entries
 * (the store becomes "unavailable", 503) rather than evicting live ones: evicting a revocation or a spent
 * refresh token would silently re-enable a credential.
 */
export function assertCapacity(size: number, max: number, what: string): void {
  if (size >= max) throw new Error(`memory ${what} store is full (${max} entries); use a persistent store`);
}

export const DEFAULT_MAX_ENTRIES = 100_000;
