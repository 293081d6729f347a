import { EXIT, type ExitCode } from './exit-codes.js';

/**
 * Stable codes of the CLI's own refusals, printed beside the message (`--json`: `error.code`). Codes that
 * core produces (`invalid_token`, `weak_password`, `not_found`, `conflict`…) are passed through as they are.
 */
export type CliErrorCode =
  | 'usage'
  | 'secret_on_argv'
  | 'missing_secret'
  | 'invalid_secret'
  | 'no_store'
  | 'store_unreachable'
  | 'not_migrated'
  | 'no_keyring'
  | 'keyring_exists'
  | 'keyring_unreadable'
  | 'kek_mismatch'
  | 'invalid_input'
  | 'jwks_unusable';

/**
 * An expected failure: a one-line message that never holds a secret, a stable code and the exit code.
 *
 * @example throw new CliError('usage', 'keys rotate takes no arguments', EXIT.usage);
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly code: CliErrorCode | (string & {}),
    message: string,
    readonly exitCode: ExitCode,
    /** Extra machine-readable fields for `--json` (e.g. a token's refusal `reason`). */
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

/** A command-line mistake: exit 2. */
export function usageError(message: string): CliError {
  return new CliError('usage', message, EXIT.usage);
}
