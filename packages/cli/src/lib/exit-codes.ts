/**
 * The process exit codes of `portcullis`, documented in `--help` and the README. Part of the CLI's
 * interface: scripts branch on them, so they never change meaning.
 */
export const EXIT = Object.freeze({
  /** The command did what it was asked. */
  ok: 0,
  /** The operation was refused: an invalid token, a weak secret, a wrong key-encryption key, an unknown key… */
  refused: 1,
  /** The command line is wrong: unknown command or flag, a missing or malformed value, a secret on argv. */
  usage: 2,
  /** A store or a remote JWKS could not be reached (connection refused, timed out, unknown host). */
  unavailable: 3,
  /** Anything unexpected: a bug, reported without details that could hold a secret. */
  internal: 4,
});

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
