// Test helpers for the API-key tests; not part of the package's public API (excluded from `files`).
import { randomBytes } from 'node:crypto';
import { expect, vi } from 'vitest';
import { createApiKeyManager } from '../apikeys/api-key-manager.js';
import type { ApiKeyManagerOptions } from '../apikeys/api-key-manager-options.js';
import { AuthError } from '../errors/auth-error.js';
import { createMemoryApiKeyStore } from '../stores/memory/memory-api-key-store.js';

export const T0 = Date.UTC(2026, 10, 28, 12, 0, 0);

/** A clock tests move by hand. */
export function fakeClock(start = T0) {
  let now = start;
  return Object.assign(() => now, {
    advance(seconds: number) {
      now += seconds * 1000;
    },
  });
}

/** 32 random bytes, as text: a pepper `assertStrongHmacSecret` accepts. */
export const strongPepper = () => randomBytes(32).toString('base64url');

/** A memory store whose every method is a spy, so tests can prove which lookups and writes happened. */
export function spiedStore() {
  const store = createMemoryApiKeyStore();
  return {
    store,
    create: vi.spyOn(store, 'create'),
    findById: vi.spyOn(store, 'findById'),
    listByOwner: vi.spyOn(store, 'listByOwner'),
    update: vi.spyOn(store, 'update'),
  };
}

export function setup(options: Partial<ApiKeyManagerOptions> = {}) {
  const spies = spiedStore();
  const clock = fakeClock();
  const pepper = strongPepper();
  const manager = createApiKeyManager({ store: spies.store, pepper, clock, ...options });
  return { ...spies, clock, pepper, manager };
}

export async function refusal(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

/** Asserts the one generic refusal every bad key gets, and returns its reason. */
export async function refusedReason(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await refusal(promise);
  expect(error.code).toBe('invalid_token');
  expect(error.status).toBe(401);
  expect(error.message).toBe('Invalid API key');
  expect(error.challenge).toBe('ApiKey');
  return error.reason;
}
