import { expect } from 'vitest';
import { AuthError } from '../errors/auth-error.js';

/** Small argon2id parameters so tests run in milliseconds; one test checks the OWASP defaults. */
export const FAST_ARGON2 = Object.freeze({ memoryCost: 512, timeCost: 1, parallelism: 1 });

/** Awaits a promise expected to reject with an AuthError, and returns it. */
export async function expectAuthError(promise: Promise<unknown>): Promise<AuthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AuthError);
  return error as AuthError;
}

/** Awaits a rejection with `code` and `reason`, and checks its message does not repeat `secret`. */
export async function expectRefused(
  promise: Promise<unknown>,
  code: AuthError['code'],
  reason: string,
  secret: string,
): Promise<AuthError> {
  const error = await expectAuthError(promise);
  expect(error.code).toBe(code);
  expect(error.status).toBe(400);
  expect(error.reason).toBe(reason);
  if (secret.length > 0) expect(error.message).not.toContain(secret);
  return error;
}
