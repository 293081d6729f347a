import * as argon2 from '@node-rs/argon2';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { FAST_ARGON2 } from '../testing/passwords.js';
import { createPasswordHasher, type PasswordHasher, type PasswordHasherLoad } from './password-hasher.js';

vi.mock('@node-rs/argon2', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@node-rs/argon2')>();
  return { ...actual, hash: vi.fn(actual.hash) };
});

const hashSpy = vi.mocked(argon2.hash);
const realHash = (await vi.importActual<typeof import('@node-rs/argon2')>('@node-rs/argon2')).hash;
const PASSWORD = 'correct horse battery staple';
const FLOOD = 40;

/**
 * Holds every new-password hash until the test releases it: the flood's hashes are as slow as the test
 * needs, so what is asserted is who was refused and who finished first, never how long anything took.
 */
function holdNewHashes() {
  const held: (() => void)[] = [];
  let holding = true;
  hashSpy.mockImplementation((password, options) =>
    holding
      ? new Promise((resolve, reject) => {
          held.push(() => realHash(password, options).then(resolve, reject));
        })
      : realHash(password, options),
  );
  return {
    held,
    /** Lets every held hash go on, and every later one run at once. */
    releaseAll: () => {
      holding = false;
      for (const release of held.splice(0)) release();
    },
  };
}

/** Starts `FLOOD` registrations at once; records each outcome, and the queue's load at every outcome. */
function flood(hasher: PasswordHasher) {
  const outcomes: ('pending' | 'hashed' | AuthError)[] = Array(FLOOD).fill('pending');
  const loads: PasswordHasherLoad[] = [];
  const done = Array.from({ length: FLOOD }, (_, i) =>
    hasher.hash(`flood-passphrase-number-${i}`).then(
      () => {
        outcomes[i] = 'hashed';
        loads.push(hasher.load());
      },
      (error: AuthError) => {
        outcomes[i] = error;
        loads.push(hasher.load());
      },
    ),
  );
  const count = (outcome: 'pending' | 'hashed' | 503) =>
    outcomes.filter((o) => (outcome === 503 ? o instanceof AuthError && o.status === 503 : o === outcome))
      .length;
  return { outcomes, loads, count, done: Promise.all(done) };
}

describe('attack: a registration flood starves logins', () => {
  afterEach(() => {
    hashSpy.mockReset();
    hashSpy.mockImplementation(realHash);
  });

  it('refuses hashes beyond the bound at once with 503, and a login during the flood finishes first', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2, maxConcurrent: 2, maxQueued: 4 });
    const stored = await hasher.hash(PASSWORD);
    const { held, releaseAll } = holdNewHashes();

    const registrations = flood(hasher);
    // Hashes hold at most maxConcurrent − 1 slots (one is kept for logins), 4 wait, and the rest are refused.
    await vi.waitFor(() => expect(registrations.count(503)).toBe(FLOOD - 1 - 4));
    for (const refusal of registrations.outcomes.filter((o) => o instanceof AuthError)) {
      expect(refusal).toMatchObject({ code: 'temporarily_unavailable', reason: 'password_queue_full' });
      expect(refusal.retryAfter).toBeGreaterThanOrEqual(1);
    }
    expect(held).toHaveLength(1);
    expect(hasher.load()).toMatchObject({ running: 1, queued: 4, maxConcurrent: 2, maxQueued: 4 });

    // A login during the flood runs in the slot kept for logins, while every admitted hash still waits.
    await expect(hasher.verify(stored, PASSWORD)).resolves.toMatchObject({ valid: true });
    expect(registrations.count('hashed')).toBe(0);
    expect(registrations.count('pending')).toBe(5);

    releaseAll();
    await registrations.done;
    expect(registrations.count('hashed')).toBe(5);
    expect(hasher.load()).toMatchObject({ running: 0, queued: 0 });
    for (const load of registrations.loads) {
      expect(load.running).toBeLessThanOrEqual(2);
      expect(load.queued).toBeLessThanOrEqual(4);
    }
  });

  it('lets a login take a full wait list’s newest hash’s place, and run before the older hashes', async () => {
    const hasher = createPasswordHasher({ argon2: FAST_ARGON2, maxConcurrent: 1, maxQueued: 4 });
    const stored = await hasher.hash(PASSWORD);
    const { held, releaseAll } = holdNewHashes();

    const registrations = flood(hasher);
    await vi.waitFor(() => expect(registrations.count(503)).toBe(FLOOD - 1 - 4));
    const login = hasher.verify(stored, PASSWORD);
    // The newest waiting registration gave the login its place.
    await vi.waitFor(() => expect(registrations.count(503)).toBe(FLOOD - 1 - 4 + 1));
    expect(hasher.load()).toMatchObject({ running: 1, queued: 4 });

    // The running hash ends; the login goes next, ahead of the three registrations that waited longer.
    held.shift()?.();
    await expect(login).resolves.toMatchObject({ valid: true });
    expect(registrations.count('hashed')).toBe(1);
    expect(registrations.count('pending')).toBe(3);

    releaseAll();
    await registrations.done;
    expect(registrations.count('hashed')).toBe(4);
    expect(registrations.loads.every((load) => load.running <= 1 && load.queued <= 4)).toBe(true);
  });
});
