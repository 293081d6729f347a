import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { createHashingQueue, type HashingJob, type HashingQueue } from './hashing-queue.js';

/** A job whose work ends when the test says so, recording when it started and how it ended. */
function gatedJobs(queue: HashingQueue) {
  const log: string[] = [];
  const gates = new Map<string, () => void>();
  const outcomes = new Map<string, unknown>();
  const submit = (name: string, job: HashingJob) => {
    const done = queue
      .run(job, () => {
        log.push(`start ${name}`);
        return new Promise<string>((resolve) => gates.set(name, () => resolve(name)));
      })
      .then(
        (value) => {
          log.push(`done ${name}`);
          outcomes.set(name, value);
        },
        (error: unknown) => {
          log.push(`refused ${name}`);
          outcomes.set(name, error);
        },
      );
    return done;
  };
  const release = async (name: string) => {
    const gate = gates.get(name);
    if (gate === undefined) throw new Error(`${name} has not started`);
    gate();
    await settle();
  };
  return { log, outcomes, submit, release };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('createHashingQueue', () => {
  it('runs at most maxConcurrent jobs, keeps at most maxQueued waiting and refuses the next at once', async () => {
    const queue = createHashingQueue({ maxConcurrent: 2, maxConcurrentHashes: 1, maxQueued: 2 });
    const { log, outcomes, submit } = gatedJobs(queue);
    for (const name of ['v1', 'v2', 'v3', 'v4', 'v5']) void submit(name, 'verify');
    await settle();
    expect(log).toEqual(['start v1', 'start v2', 'refused v5']);
    expect(queue.load()).toEqual({ running: 2, queued: 2 });
    const refusal = outcomes.get('v5');
    expect(refusal).toBeInstanceOf(AuthError);
    expect(refusal).toMatchObject({
      code: 'temporarily_unavailable',
      status: 503,
      reason: 'password_queue_full',
    });
    expect((refusal as AuthError).retryAfter).toBeGreaterThanOrEqual(1);
  });

  it('starts a waiting login before a waiting hash', async () => {
    const queue = createHashingQueue({ maxConcurrent: 1, maxConcurrentHashes: 1, maxQueued: 10 });
    const { log, submit, release } = gatedJobs(queue);
    void submit('h1', 'hash');
    void submit('h2', 'hash');
    void submit('h3', 'hash');
    void submit('v1', 'verify');
    await settle();
    await release('h1');
    await release('v1');
    await release('h2');
    expect(log).toEqual(['start h1', 'done h1', 'start v1', 'done v1', 'start h2', 'done h2', 'start h3']);
  });

  it('keeps slots from hashes, so a login starts while hashes fill the rest', async () => {
    const queue = createHashingQueue({ maxConcurrent: 3, maxConcurrentHashes: 2, maxQueued: 10 });
    const { log, submit } = gatedJobs(queue);
    for (const name of ['h1', 'h2', 'h3', 'h4']) void submit(name, 'hash');
    await settle();
    expect(log).toEqual(['start h1', 'start h2']);
    void submit('v1', 'verify');
    void submit('v2', 'verify');
    await settle();
    expect(log).toEqual(['start h1', 'start h2', 'start v1']);
    expect(queue.load()).toEqual({ running: 3, queued: 3 });
  });

  it('lets a login that finds the wait list full take the place of the newest waiting hash', async () => {
    const queue = createHashingQueue({ maxConcurrent: 1, maxConcurrentHashes: 1, maxQueued: 2 });
    const { log, outcomes, submit, release } = gatedJobs(queue);
    for (const name of ['h1', 'h2', 'h3']) void submit(name, 'hash');
    await settle();
    void submit('v1', 'verify');
    await settle();
    expect(log).toEqual(['start h1', 'refused h3']);
    expect(outcomes.get('h3')).toMatchObject({ code: 'temporarily_unavailable' });
    // With only logins waiting, a further login is the one refused.
    void submit('v2', 'verify');
    void submit('v3', 'verify');
    await settle();
    expect(log.slice(2)).toEqual(['refused h2', 'refused v3']);
    await release('h1');
    await release('v1');
    expect(log.slice(4)).toEqual(['done h1', 'start v1', 'done v1', 'start v2']);
  });

  it('starts a waiting hash after eight logins went ahead of it', async () => {
    const queue = createHashingQueue({ maxConcurrent: 1, maxConcurrentHashes: 1, maxQueued: 20 });
    const { log, submit, release } = gatedJobs(queue);
    void submit('v0', 'verify');
    void submit('h1', 'hash');
    for (let i = 1; i <= 10; i++) void submit(`v${i}`, 'verify');
    await settle();
    for (let i = 0; i <= 8; i++) await release(`v${i}`);
    expect(log.filter((line) => line.startsWith('start'))).toEqual([
      'start v0',
      ...Array.from({ length: 8 }, (_, i) => `start v${i + 1}`),
      'start h1',
    ]);
  });

  it('frees the slot of a job that fails, and passes the failure on', async () => {
    const queue = createHashingQueue({ maxConcurrent: 1, maxConcurrentHashes: 1, maxQueued: 1 });
    const failing = queue.run('verify', () => Promise.reject(new Error('native failure')));
    const next = queue.run('verify', async () => 'ran');
    await expect(failing).rejects.toThrow('native failure');
    await expect(next).resolves.toBe('ran');
    const throwing = queue.run('hash', () => {
      throw new Error('thrown');
    });
    await expect(throwing).rejects.toThrow('thrown');
    expect(queue.load()).toEqual({ running: 0, queued: 0 });
  });

  it('refuses every job that cannot start at once when maxQueued is 0', async () => {
    const queue = createHashingQueue({ maxConcurrent: 1, maxConcurrentHashes: 1, maxQueued: 0 });
    const { log, submit } = gatedJobs(queue);
    void submit('v1', 'verify');
    void submit('v2', 'verify');
    await settle();
    expect(log).toEqual(['start v1', 'refused v2']);
  });

  it('estimates Retry-After from the recent pace of jobs and the length of the line', async () => {
    let clock = 0;
    const queue = createHashingQueue({
      maxConcurrent: 1,
      maxConcurrentHashes: 1,
      maxQueued: 3,
      now: () => clock,
    });
    const { outcomes, submit, release } = gatedJobs(queue);
    void submit('v1', 'verify');
    await settle();
    clock += 4000; // one job took 4 s
    await release('v1');
    for (const name of ['v2', 'v3', 'v4', 'v5', 'v6']) void submit(name, 'verify');
    await settle();
    // Three waiting and one running, 4 s each, on one slot.
    expect(outcomes.get('v6')).toMatchObject({ retryAfter: 16 });
  });
});
