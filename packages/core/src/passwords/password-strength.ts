import type { ZxcvbnFactory } from '@zxcvbn-ts/core';

/** zxcvbn's guessability score: 0 (too guessable) to 4 (very unguessable). */
export type PasswordScore = 0 | 1 | 2 | 3 | 4;

// zxcvbn runs synchronously and its time grows with length (about 150 ms for 128 l33t-heavy characters),
// so it scores only this many leading UTF-16 units: a prefix hard to guess makes the whole password so.
const SCORED_LENGTH = 64;

// Built on first use: the estimator and its dictionaries take tens of milliseconds and several MB to set up.
let loading: Promise<ZxcvbnFactory> | undefined;

function loadEstimator(): Promise<ZxcvbnFactory> {
  loading ??= Promise.all([import('@zxcvbn-ts/core'), import('@zxcvbn-ts/language-common')]).then(
    ([core, common]) =>
      new core.ZxcvbnFactory({
        dictionary: common.dictionary,
        graphs: common.adjacencyGraphs,
        maxLength: SCORED_LENGTH,
      }),
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}

/**
 * Estimates how guessable a password (NFKC-normalised here) is with zxcvbn-ts (common passwords, keyboard
 * patterns, dates, repeats, l33t), counting `userInputs` (the user's e-mail, name…) as known words. Only the
 * first 64 characters are scored, which bounds the synchronous work to tens of milliseconds: meant for
 * password changes, not for every login.
 *
 * @example if ((await passwordScore(password, [email])) < 3) …
 */
export async function passwordScore(
  password: string,
  userInputs: readonly string[] = [],
): Promise<PasswordScore> {
  const estimator = await loadEstimator();
  return estimator.check(password.normalize('NFKC'), [...userInputs]).score as PasswordScore;
}
