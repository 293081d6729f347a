import { AuthError } from '../errors/auth-error.js';
import type { Clock } from '../lib/clock.js';
import type { MfaStore } from '../stores/mfa-store.js';
import { type FactorDocument, NO_FACTORS, parseFactorDocument } from './factor-document.js';

/** A user's factors, and the version to compare-and-set against. */
export interface LoadedFactors {
  readonly document: FactorDocument;
  readonly version: number;
}

/** Reads and changes a user's factor document; every change is a compare-and-set, retried on a race. */
export interface FactorRepository {
  load(userId: string): Promise<LoadedFactors>;
  /**
   * Applies `change` to the newest document and stores the result, atomically: `change` runs again on a
   * newer document when another instance saved in between. `change` returning `undefined` changes nothing
   * (a refused code, say). Resolves what `change` returned last.
   */
  update<T>(
    userId: string,
    change: (document: FactorDocument) => { document: FactorDocument; result: T } | { refuse: T },
  ): Promise<T>;
  remove(userId: string): Promise<void>;
}

// Saves of one user's factors race only when one user acts from several places at once.
const MAX_ATTEMPTS = 8;

export function createFactorRepository(store: MfaStore, clock: Clock): FactorRepository {
  async function load(userId: string): Promise<LoadedFactors> {
    const record = await store.getFactors(userId);
    if (record === null) return { document: NO_FACTORS, version: 0 };
    return { document: parseFactorDocument(record.data), version: record.version };
  }
  return {
    load,
    async update(userId, change) {
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const { document, version } = await load(userId);
        const outcome = change(document);
        if ('refuse' in outcome) return outcome.refuse;
        if (await store.saveFactors(userId, JSON.stringify(outcome.document), version, clock()))
          return outcome.result;
      }
      throw new AuthError('temporarily_unavailable', 'Service temporarily unavailable', {
        reason: 'factor_update_contended',
        retryAfter: 1,
      });
    },
    remove: (userId) => store.deleteFactors(userId),
  };
}
