import { isAuthError } from '@portcullis/core/errors';
import { isUnreachable } from '../stores/unreachable.js';
import { CliError } from './cli-error.js';
import { EXIT } from './exit-codes.js';

/** Core's configuration errors start so; they never quote a secret (core's optionError rule). */
const CORE_OPTION_ERROR = 'portcullis: ';

/**
 * Any failure as the CLI reports it. Only messages known to be free of secrets are passed on (the CLI's
 * own, core's `AuthError` descriptions and option errors); anything else becomes "unexpected <name>".
 *
 * @example const failure = toCliError(error); io.err(failure.message); return failure.exitCode;
 */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  if (isAuthError(error)) {
    const reason = error.reason === undefined ? {} : { reason: error.reason };
    return new CliError(
      error.code,
      `${error.message}${error.reason === undefined ? '' : ` (${error.reason})`}`,
      error.code === 'temporarily_unavailable' ? EXIT.unavailable : EXIT.refused,
      reason,
    );
  }
  if (error instanceof Error && error.name === 'KeyringSnapshotError')
    return new CliError('keyring_unreadable', error.message, EXIT.refused);
  if (error instanceof TypeError && error.message.startsWith(CORE_OPTION_ERROR))
    return new CliError('invalid_input', error.message.slice(CORE_OPTION_ERROR.length), EXIT.refused);
  if (isUnreachable(error))
    return new CliError('store_unreachable', 'a store could not be reached', EXIT.unavailable);
  const name = error instanceof Error ? error.name : typeof error;
  return new CliError(
    'internal',
    `unexpected ${name}; set PORTCULLIS_DEBUG=1 to see its stack`,
    EXIT.internal,
  );
}
