import { parseArgs } from 'node:util';
import { STORE_OPTIONS } from '../stores/store-config.js';
import { usageError } from './cli-error.js';
import type { Command, FlagValues } from './command.js';

/** Flags every command takes. */
const COMMON_OPTIONS = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } } as const;

/** The first quoted option name in a parseArgs message, without any `=value` (which may be a secret). */
function optionNamed(message: string): string {
  const quoted = /'(-{1,2}[^'\s=]*)/.exec(message)?.[1];
  return quoted ?? 'an option';
}

export function commandName(command: Command): string {
  return command.name === undefined ? command.group : `${command.group} ${command.name}`;
}

/**
 * Parses a command's flags with `node:util` `parseArgs` (strict: an unknown flag is a usage error). The
 * messages are the CLI's own, naming a flag but never repeating a value typed after it.
 *
 * @example parseCommandArgs(command, ['--owner', 'u1', '--json'])
 */
export function parseCommandArgs(
  command: Command,
  args: readonly string[],
): { values: FlagValues; positionals: string[] } {
  const options = { ...command.options, ...(command.usesStore ? STORE_OPTIONS : {}), ...COMMON_OPTIONS };
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options,
      allowPositionals: true,
      strict: true,
    });
    return { values: values as FlagValues, positionals };
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      throw usageError(
        `unknown flag ${optionNamed(message)}; see \`portcullis ${commandName(command)} --help\``,
      );
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE')
      throw usageError(
        message.includes('argument missing')
          ? `${optionNamed(message)} needs a value`
          : `${optionNamed(message)} takes no value`,
      );
    throw error;
  }
}
