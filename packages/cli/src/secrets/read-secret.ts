import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';
import type { Io } from '../lib/io.js';

/** Longest secret read from standard input: far more than any password, key or token needs. */
const MAX_SECRET_BYTES = 64 * 1024;

/**
 * A secret from standard input — typed without echo at a terminal, or piped in — with one trailing line
 * break removed (what `echo` and here-strings add). Secrets are read here and never from argv, where
 * `ps` and the shell history would show them.
 *
 * @example const password = await readSecret(io, 'password');
 */
export async function readSecret(io: Io, what: string): Promise<string> {
  let text: string;
  try {
    text = io.stdinIsTty
      ? await io.readHiddenLine(`${what}: `)
      : (await io.readStdin(MAX_SECRET_BYTES)).replace(/\r?\n$/, '');
  } catch (error) {
    throw new CliError(
      'missing_secret',
      `could not read the ${what} from standard input: ${(error as Error).message}`,
      EXIT.usage,
    );
  }
  if (text.length === 0)
    throw new CliError(
      'missing_secret',
      `no ${what} on standard input (pipe it in, or type it at the prompt)`,
      EXIT.usage,
    );
  return text;
}
