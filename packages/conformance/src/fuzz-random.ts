// A small seeded random source for the HTTP fuzz (this package has no fast-check): the same seed makes the
// same requests, so a failure found anywhere replays with FUZZ_SEED=<seed>.

export interface Random {
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** One of `choices`, each as likely as its weight. */
  weighted<T>(choices: readonly (readonly [number, T])[]): T;
}

/** mulberry32: tiny, fast, and good enough to spread test inputs. */
export function createRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const random: Random = {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)]!,
    weighted(choices) {
      const total = choices.reduce((sum, [weight]) => sum + weight, 0);
      let roll = next() * total;
      for (const [weight, choice] of choices) {
        roll -= weight;
        if (roll < 0) return choice;
      }
      return choices.at(-1)![1];
    },
  };
  return random;
}

/** FUZZ_SEED when given; a fixed seed in CI (reproducible); otherwise a new one each run. */
export function fuzzSeed(): number {
  const fromEnv = process.env['FUZZ_SEED'];
  if (fromEnv !== undefined) return Number(fromEnv) >>> 0;
  if (process.env['CI']) return 20_261_215;
  return Math.floor(Math.random() * 2 ** 32);
}
