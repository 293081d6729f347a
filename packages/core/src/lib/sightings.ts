import { optionError } from './option-error.js';

/**
 * An approximate memory of the strings seen lately, in fixed space: a cache admission filter (the
 * "doorkeeper" of TinyLFU). The verified-token cache admits a token on its second sighting within the
 * last `window` first sightings, so that tokens presented once each — many clients, a token per client per
 * lifetime — or coming back only after the cache would have evicted them anyway cost no insertion, eviction
 * and long-lived garbage, while a token a client keeps presenting is cached from its second request.
 *
 * Mistakes are harmless by construction, which is why a hash of part of the string is enough: a collision
 * admits a token one sighting early (it was verified all the same), and a forgotten sighting costs one more
 * full verification. The verifier records only tokens that passed verification.
 */
export interface Sightings {
  /** Records `key` and says whether it (or, rarely, a colliding key) was recorded within the window. */
  seenBefore(key: string): boolean;
}

/** Characters hashed, from the end of the string: a JWS ends with its signature, which is uniformly random. */
const TAIL = 32;

/** `window`: how many first sightings are remembered before the memory starts afresh. */
export function createSightings(window: number): Sightings {
  if (!Number.isInteger(window) || window < 1)
    throw optionError(
      'sightings window',
      'must be a positive integer',
      'pass how many first sightings to remember',
    );
  // At most half full, so that a record is rarely overwritten before its window ends.
  let slots = 2;
  while (slots < 2 * window) slots *= 2;
  const table = new Int32Array(slots);
  const mask = slots - 1;
  let recorded = 0;
  return {
    seenBefore(key) {
      // FNV-1a over the last TAIL characters; 0 marks an empty slot.
      let hash = 0x811c9dc5;
      for (let i = Math.max(0, key.length - TAIL); i < key.length; i++) {
        hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
      }
      hash |= 1;
      const slot = (hash >>> 1) & mask;
      if (table[slot] === hash) return true;
      if (recorded === window) {
        table.fill(0);
        recorded = 0;
      }
      table[slot] = hash;
      recorded++;
      return false;
    },
  };
}
