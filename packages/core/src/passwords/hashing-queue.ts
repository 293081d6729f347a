import { AuthError } from '../errors/auth-error.js';

/** What a job is for: a login's verification (served first) or a new password's hash (registration, change). */
export type HashingJob = 'verify' | 'hash';

export interface HashingQueueOptions {
  /** Jobs running at once; each holds one libuv thread (and argon2's memory) while it runs. */
  maxConcurrent: number;
  /** Of those, new-password hashes running at once (at most `maxConcurrent`); logins may use every slot. */
  maxConcurrentHashes: number;
  /** Jobs waiting for a slot; one more is refused at once with 503. */
  maxQueued: number;
  /** Milliseconds since some origin; `performance.now` unless a test passes its own. */
  now?: () => number;
}

/** How full the queue is right now. */
export interface HashingQueueLoad {
  readonly running: number;
  readonly queued: number;
}

export interface HashingQueue {
  /**
   * Runs `task` once a slot is free, or rejects at once with 503 `temporarily_unavailable` (and
   * `retryAfter`) when the wait list is full. `task` must do its expensive work one step at a time, so that
   * a job never holds more than one thread.
   */
  run<T>(job: HashingJob, task: () => Promise<T>): Promise<T>;
  load(): HashingQueueLoad;
}

/**
 * While new-password hashes wait, at most this many logins start ahead of the oldest of them: logins come
 * first, but a steady stream of them cannot keep a registration waiting for ever.
 */
const LOGINS_AHEAD_OF_A_HASH = 8;
/** The running average of a job's time follows the last few jobs (weight 1/8 to the newest). */
const AVERAGE_WEIGHT = 1 / 8;
const MAX_RETRY_AFTER_SECONDS = 60;

interface Waiter {
  start(): void;
  refuse(error: AuthError): void;
}

/**
 * A bounded queue in front of the libuv threadpool for argon2 and bcrypt work, fair to logins:
 * - at most `maxConcurrent` jobs run, and at most `maxQueued` wait; past that a job is refused at once with
 *   503 `temporarily_unavailable` and a `Retry-After` estimated from the queue's recent pace;
 * - a waiting login starts before a waiting hash (but see `LOGINS_AHEAD_OF_A_HASH`);
 * - hashes hold at most `maxConcurrentHashes` slots: with fewer than `maxConcurrent`, a login never waits for
 *   a registration to finish;
 * - a login that finds the wait list full takes the place of the newest waiting hash, which is refused.
 * A flood of registrations thus costs logins at most a share of the CPU, never a place in line.
 *
 * @example
 * const queue = createHashingQueue({ maxConcurrent: 4, maxConcurrentHashes: 3, maxQueued: 32 });
 * const stored = await queue.run('hash', () => argon2Hash(password, options));
 */
export function createHashingQueue(options: HashingQueueOptions): HashingQueue {
  const { maxConcurrent, maxQueued } = options;
  const now = options.now ?? (() => performance.now());
  const hashSlots = Math.min(options.maxConcurrentHashes, maxConcurrent);
  const waiting: Record<HashingJob, Waiter[]> = { verify: [], hash: [] };
  let running = 0;
  let runningHashes = 0;
  let loginsAheadOfHash = 0;
  let averageMs: number | undefined;

  const queued = () => waiting.verify.length + waiting.hash.length;

  function next(): Waiter | undefined {
    if (running >= maxConcurrent) return undefined;
    const hashMayStart = waiting.hash.length > 0 && runningHashes < hashSlots;
    if (waiting.verify.length > 0 && !(hashMayStart && loginsAheadOfHash >= LOGINS_AHEAD_OF_A_HASH)) {
      loginsAheadOfHash = waiting.hash.length > 0 ? loginsAheadOfHash + 1 : 0;
      return waiting.verify.shift();
    }
    if (!hashMayStart) return undefined;
    loginsAheadOfHash = 0;
    return waiting.hash.shift();
  }

  function pump(): void {
    for (let waiter = next(); waiter !== undefined; waiter = next()) waiter.start();
  }

  function busy(): AuthError {
    const rounds = (queued() + maxConcurrent) / maxConcurrent;
    const seconds = Math.ceil((rounds * (averageMs ?? 1000)) / 1000);
    return new AuthError('temporarily_unavailable', 'The server is busy; try again shortly', {
      retryAfter: Math.min(MAX_RETRY_AFTER_SECONDS, Math.max(1, seconds)),
      reason: 'password_queue_full',
    });
  }

  return Object.freeze({
    run<T>(job: HashingJob, task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const finish = (started: number) => {
          running--;
          if (job === 'hash') runningHashes--;
          const took = now() - started;
          averageMs = averageMs === undefined ? took : averageMs + (took - averageMs) * AVERAGE_WEIGHT;
          pump();
        };
        waiting[job].push({
          start() {
            running++;
            if (job === 'hash') runningHashes++;
            const started = now();
            Promise.resolve()
              .then(task)
              .then(
                (value) => {
                  resolve(value);
                  finish(started);
                },
                (error: unknown) => {
                  reject(error);
                  finish(started);
                },
              );
          },
          refuse: reject,
        });
        pump();
        if (queued() <= maxQueued) return;
        // One too many waits: the newest hash gives way (this job itself, when it is a hash), or else this login.
        const victim = waiting.hash.length > 0 ? waiting.hash.pop() : waiting.verify.pop();
        victim?.refuse(busy());
      });
    },
    load: () => Object.freeze({ running, queued: queued() }),
  });
}
