/** A source of the current time in milliseconds since the epoch. Injected everywhere so tests never sleep. */
export type Clock = () => number;

/** The wall clock. */
export const systemClock: Clock = () => Date.now();

/** Current time in whole seconds, as JWT `NumericDate` claims use. */
export function epochSeconds(clock: Clock): number {
  return Math.floor(clock() / 1000);
}
