// Harness: tinybench rather than mitata. The tables need the numbers, not a printed report — ratios to the
// floor and PASS/MISS targets are computed from them — and tinybench hands back plain statistics per task,
// with a time budget per task that keeps the whole run bounded. mitata's strength (automatic batching for
// nanosecond-scale functions) is covered here by timing batches of calls.
import { Bench } from 'tinybench';

/** Something to time: one call of `fn` is one operation. */
export interface Timed {
  name: string;
  fn: () => unknown;
  /** `fn` returns a promise that is awaited, as a caller would. */
  async: boolean;
}

export interface Measured {
  /** Operations per second: calls over total time, GC pauses included. */
  opsPerSec: number;
  /** Relative margin of error of the best round, in percent. */
  rme: number;
}

export interface MeasureOptions {
  /** Time budget per task and round, in ms. */
  time?: number;
  warmupTime?: number;
  /**
   * Rounds over all tasks, warm-up in the first only; each task keeps its best round. Several short rounds
   * give each task several chances at a quiet moment when other processes share the CPUs.
   */
  rounds?: number;
}

/** Calls per sample: keeps each timed sample far above the timer's resolution, even for sub-µs operations. */
const BATCH = 32;

function batched(task: Timed): () => unknown {
  const { fn } = task;
  if (task.async) {
    return async () => {
      for (let i = 0; i < BATCH; i++) await fn();
    };
  }
  return () => {
    for (let i = 0; i < BATCH; i++) fn();
  };
}

/**
 * Times each task in turn (never concurrently), `rounds` times, and returns each task's best round.
 * A task that throws fails the run: callers check their functions before timing them.
 */
export async function measure(
  tasks: readonly Timed[],
  options: MeasureOptions = {},
): Promise<Map<string, Measured>> {
  const best = new Map<string, Measured>();
  for (let round = 0; round < (options.rounds ?? 5); round++) {
    const bench = new Bench({
      time: options.time ?? 200,
      warmup: round === 0,
      warmupTime: options.warmupTime ?? 100,
      throws: true,
    });
    for (const task of tasks) bench.add(task.name, batched(task), { async: task.async });
    await bench.run();
    for (const task of bench.tasks) {
      const result = task.result;
      if (result.state !== 'completed') throw new Error(`${task.name}: benchmark ${result.state}`);
      const measured = { opsPerSec: (BATCH * 1000) / result.latency.mean, rme: result.latency.rme };
      const previous = best.get(task.name);
      if (previous === undefined || measured.opsPerSec > previous.opsPerSec) best.set(task.name, measured);
    }
  }
  return best;
}
