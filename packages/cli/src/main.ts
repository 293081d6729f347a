import { COMMANDS, findCommand } from './commands.js';
import { type CliError, usageError } from './lib/cli-error.js';
import type { CommandResult } from './lib/command.js';
import { EXIT, type ExitCode } from './lib/exit-codes.js';
import { commandHelp, mainHelp } from './lib/help.js';
import type { Io } from './lib/io.js';
import { commandName, parseCommandArgs } from './lib/parse-command-args.js';
import { toCliError } from './lib/to-cli-error.js';

function print(result: CommandResult, io: Io, json: boolean): void {
  if (json) io.out(JSON.stringify({ ok: true, ...result.json }, null, 2));
  else if (result.text !== '') io.out(result.text);
  if (result.notice !== undefined) io.err(result.notice);
}

/** The message for a command that does not exist. What was typed is not repeated: it may be a secret. */
function unknownCommand(argv: readonly string[]): CliError {
  const names = COMMANDS.filter((c) => c.group === argv[0]).map((c) => c.name);
  return names.length === 0
    ? usageError('unknown command; run `portcullis --help` for the list')
    : usageError(`unknown ${argv[0]} command; expected one of: ${names.join(', ')}`);
}

/**
 * Runs `portcullis` with `argv` (without `node` and the script) and returns the exit code. Output goes
 * through `io`; a failure is one line on stderr (and, with `--json`, `{"ok": false, "error": …}` on stdout).
 *
 * @example process.exitCode = await main(process.argv.slice(2), processIo());
 */
export async function main(argv: readonly string[], io: Io): Promise<ExitCode> {
  const json = argv.includes('--json');
  try {
    if (argv.length === 0) {
      io.err(mainHelp(COMMANDS));
      return EXIT.usage;
    }
    if (argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
      io.out(mainHelp(COMMANDS));
      return EXIT.ok;
    }
    const found = findCommand(argv);
    if (found === undefined) throw unknownCommand(argv);
    const { command, rest } = found;
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values['help'] === true) {
      io.out(commandHelp(command));
      return EXIT.ok;
    }
    if (positionals.length > 0 && command.readsSecret !== true)
      throw usageError(`\`portcullis ${commandName(command)}\` takes no arguments, only flags`);
    const result = await command.run({ values, positionals, io, json });
    print(result, io, json);
    return result.exitCode ?? EXIT.ok;
  } catch (error) {
    const failure = toCliError(error);
    io.err(`portcullis: ${failure.message} [${failure.code}]`);
    if (failure.exitCode === EXIT.internal && io.env['PORTCULLIS_DEBUG'] === '1')
      io.err(String((error as Error)?.stack));
    if (json)
      io.out(
        JSON.stringify({
          ok: false,
          error: { code: failure.code, message: failure.message, ...failure.details },
        }),
      );
    return failure.exitCode;
  }
}
