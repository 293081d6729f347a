/** Heap measurement for the heap-cost sections; needs node's `--expose-gc`. */

/** `heapUsed` after letting pending callbacks run and collecting twice (the second pass catches what the first freed). */
export async function heapUsedAfterGc(gc: () => void): Promise<number> {
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}
