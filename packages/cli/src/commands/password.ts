import { createPasswordHasher } from '@portcullis/core/passwords';
import { CliError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';
import { readSecret } from '../secrets/read-secret.js';

/** A secret given as an argument is refused before anything else: argv is visible in `ps` and the shell history. */
export function refuseSecretOnArgv(context: CommandContext, what: string, example: string): void {
  if (context.positionals.length > 0)
    throw new CliError(
      'secret_on_argv',
      `the ${what} is read from standard input, never from the command line (where ps and the shell history show it): ${example}`,
      EXIT.usage,
    );
}

/** `password hash`: an argon2id hash of the password on standard input, with the apps' parameters and policy. */
export async function passwordHash(context: CommandContext): Promise<CommandResult> {
  refuseSecretOnArgv(context, 'password', 'printf \'%s\' "$PASSWORD" | portcullis password hash');
  const password = await readSecret(context.io, 'password');
  const hash = await createPasswordHasher().hash(password);
  return { json: { hash }, text: hash };
}
