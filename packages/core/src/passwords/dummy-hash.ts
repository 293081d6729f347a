import { randomBytes } from 'node:crypto';
import { hash as argon2Hash, type Options } from '@node-rs/argon2';
import type { BcryptFunctions } from './load-bcrypt.js';

/** Resolves `make()`'s value, made on the first call (concurrent first calls share it) and reused after. */
function once(make: () => Promise<string>): () => Promise<string> {
  let made: Promise<string> | undefined;
  return () => {
    made ??= make().catch((error: unknown) => {
      made = undefined;
      throw error;
    });
    return made;
  };
}

const randomPassword = () => randomBytes(32).toString('base64url');

/**
 * Returns a function resolving an argon2id hash of a random, discarded password, computed on the first call
 * (concurrent first calls share it) and reused after. Verifying against it costs what verifying a real hash
 * with the same parameters costs, and can never succeed.
 */
export function createDummyHash(hashOptions: Options): () => Promise<string> {
  return once(() => argon2Hash(randomPassword(), hashOptions));
}

/**
 * The same for bcrypt: a hash of a random, discarded password at `cost`, made once, on first use, with the
 * bcrypt that `load` resolves (loaded then too).
 */
export function createDummyBcryptHash(
  cost: number,
  load: () => Promise<BcryptFunctions>,
): () => Promise<string> {
  return once(async () => (await load()).hash(randomPassword(), { cost }));
}
