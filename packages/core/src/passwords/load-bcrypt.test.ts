import { hash as bcryptHash } from '@node-rs/bcrypt';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { expectAuthError, FAST_ARGON2 } from '../testing/passwords.js';
import { type BcryptLoader, importBcrypt } from './load-bcrypt.js';
import {
  createPasswordHasher,
  createPasswordHasherWith,
  type PasswordHasherEvent,
} from './password-hasher.js';

const PASSWORD = 'legacy-system-passphrase';

/** What Node's ESM loader throws for a package that is not installed. */
function notInstalled(): Error {
  return Object.assign(new Error("Cannot find package '@node-rs/bcrypt' imported from /app/node_modules"), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
}

describe('@node-rs/bcrypt, an optional peer', () => {
  let legacy: string;
  let argon2: string;

  beforeAll(async () => {
    legacy = await bcryptHash(PASSWORD, { cost: 4 });
    argon2 = await createPasswordHasher({ argon2: FAST_ARGON2 }).hash(PASSWORD);
  });

  afterEach(() => {
    vi.restoreAllMocks();
  });

  function missing() {
    const loader = vi.fn<BcryptLoader>(() => Promise.reject(notInstalled()));
    const events: PasswordHasherEvent[] = [];
    const warning = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const hasher = createPasswordHasherWith(loader, {
      argon2: FAST_ARGON2,
      bcrypt: { minCost: 4, cost: 4 },
      onEvent: (event) => events.push(event),
    });
    return { loader, events, warning, hasher };
  }

  it('is imported once, by the first verification that computes bcrypt, and shared after', async () => {
    expect(importBcrypt()).toBe(importBcrypt());
    const loaded = await importBcrypt();
    const loader = vi.fn<BcryptLoader>(importBcrypt);
    const off = createPasswordHasherWith(loader, { argon2: FAST_ARGON2 });
    await off.verify(argon2, PASSWORD);
    await off.verify(null, PASSWORD);
    expect(loader).not.toHaveBeenCalled();

    const on = createPasswordHasherWith(loader, { argon2: FAST_ARGON2, bcrypt: { minCost: 4, cost: 4 } });
    expect(loader).not.toHaveBeenCalled();
    const [first, second] = await Promise.all([on.verify(legacy, PASSWORD), on.verify(legacy, 'wrong')]);
    expect(first.valid).toBe(true);
    expect(second.valid).toBe(false);
    expect(await importBcrypt()).toBe(loaded);
  });

  it('when missing, refuses a legacy hash with the 503 of a store failure, its cause naming the package', async () => {
    const { hasher } = missing();
    const error = await expectAuthError(hasher.verify(legacy, PASSWORD));
    expect(error.code).toBe('temporarily_unavailable');
    expect(error.status).toBe(503);
    expect(error.retryAfter).toBe(1);
    expect(error.reason).toBe('bcrypt_unavailable');
    // The client's description is the store failure's: nothing about the server's installation.
    expect(error.message).toBe('Authentication service temporarily unavailable');
    expect(error.message).not.toContain('bcrypt');
    const cause = error.cause as Error & { code: string };
    expect(cause.code).toBe('PORTCULLIS_BCRYPT_UNAVAILABLE');
    expect(cause.message).toContain('@node-rs/bcrypt');
    expect(cause.message).toContain('npm install @node-rs/bcrypt');
    expect((cause.cause as { code: string }).code).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('when missing, answers every login alike: no account is told apart by having a legacy hash', async () => {
    const { hasher } = missing();
    const refusals = await Promise.all(
      [legacy, argon2, null, `$argon2id-bcrypt$2b$04$${legacy.slice(7, 29)}${argon2}`].map((stored) =>
        expectAuthError(hasher.verify(stored, PASSWORD)),
      ),
    );
    for (const error of refusals) {
      expect([error.code, error.status, error.reason, error.message]).toEqual([
        'temporarily_unavailable',
        503,
        'bcrypt_unavailable',
        'Authentication service temporarily unavailable',
      ]);
    }
  });

  it('when missing, tells the operator once: an event and a process warning naming the package', async () => {
    const { hasher, events, warning, loader } = missing();
    for (let i = 0; i < 3; i++) await expectAuthError(hasher.verify(legacy, PASSWORD));
    expect(events).toEqual([
      {
        type: 'passwords.bcrypt_unavailable',
        module: '@node-rs/bcrypt',
        install: 'npm install @node-rs/bcrypt',
      },
    ]);
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning.mock.calls[0]?.[0]).toMatch(/@node-rs\/bcrypt.*npm install @node-rs\/bcrypt/);
    expect(warning.mock.calls[0]?.[1]).toEqual({ code: 'PORTCULLIS_BCRYPT_UNAVAILABLE' });
    // Not kept as a failure: once the package is installed, the next login loads it.
    expect(loader).toHaveBeenCalledTimes(3);
  });

  it('does not let a throwing onEvent change the answer', async () => {
    vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const hasher = createPasswordHasherWith(() => Promise.reject(notInstalled()), {
      argon2: FAST_ARGON2,
      bcrypt: true,
      onEvent: () => {
        throw new Error('logger down');
      },
    });
    expect((await expectAuthError(hasher.verify(legacy, PASSWORD))).reason).toBe('bcrypt_unavailable');
  });

  it('refuses an onEvent that is not a function', () => {
    expect(() => createPasswordHasher({ onEvent: 'log' as never })).toThrow(
      /^portcullis: passwords\.onEvent: must be a function/,
    );
  });
});
