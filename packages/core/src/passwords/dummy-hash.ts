import { randomBytes } from 'node:crypto';
import { hash as argon2Hash, type Options } from '@node-rs/argon2';

/**
 * Returns a function resolving an argon2id hash of a random, discarded password, computed on the first call
 * (concurrent first calls share it) and reused after. Verifying against it costs what verifying a real hash
 * with the same parameters costs, and can never succeed.
 */
export function createDummyHash(hashOptions: Options): () => Promise<string> {
  let dummy: Promise<string> | undefined;
  return () => {
    dummy ??= argon2Hash(randomBytes(32).toString('base64url'), hashOptions).catch((error: unknown) => {
      dummy = undefined;
      throw error;
    });
    return dummy;
  };
}
