import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';

/** Core's message when a stored key is sealed under a key-encryption key it was not given. */
const WRONG_KEK = /cannot be opened|is encrypted/;

/**
 * A `KeyringSnapshotError` from core as the CLI reports it: a KEK that does not open the keyring is
 * `kek_mismatch`, anything else `keyring_unreadable`; both exit 1. Core's messages name kids (public)
 * and KEK ids (public), never key material. Other errors pass through unchanged.
 */
export function keyringError(error: unknown, kekSource: string | undefined): unknown {
  if (!(error instanceof Error) || error.name !== 'KeyringSnapshotError') return error;
  if (WRONG_KEK.test(error.message))
    return kekSource === undefined
      ? missingKek()
      : new CliError(
          'kek_mismatch',
          `${kekSource} does not open the stored keyring (${error.message})`,
          EXIT.refused,
        );
  return new CliError('keyring_unreadable', error.message, EXIT.refused);
}

/** The keyring is sealed and no key-encryption key was given: exit 2, like any missing input. */
export function missingKek(): CliError {
  return new CliError(
    'missing_secret',
    'the stored keyring is encrypted: set KEYRING_KEK to the key-encryption key it was sealed under',
    EXIT.usage,
  );
}
