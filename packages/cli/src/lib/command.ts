import type { ParseArgsConfig } from 'node:util';
import type { ExitCode } from './exit-codes.js';
import type { Io } from './io.js';

/** Parsed flag values, as `node:util` `parseArgs` returns them. */
export type FlagValues = Record<string, string | boolean | (string | boolean)[] | undefined>;

export interface CommandContext {
  readonly values: FlagValues;
  readonly positionals: readonly string[];
  readonly io: Io;
  /** `--json`: the result is printed as one JSON object. */
  readonly json: boolean;
}

/** What a command hands back to be printed: the same result as JSON and as text. */
export interface CommandResult {
  /** Printed with `--json`, with `ok: true` added. Never holds a secret the command was not asked for. */
  readonly json: Record<string, unknown>;
  /** Printed otherwise, on standard output. */
  readonly text: string;
  /** A remark for the person at the terminal, on standard error in both modes (e.g. "shown once"). */
  readonly notice?: string;
  readonly exitCode?: ExitCode;
}

/** One `portcullis <group> <name>` command, declared as data: its flags, help and what it runs. */
export interface Command {
  readonly group: string;
  readonly name: string | undefined;
  readonly summary: string;
  /** Flags and arguments, as shown by `--help`. */
  readonly usage: string;
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Takes the store flags (`--data-dir`, `--database-url`, `--redis-url`, `--schema`, `--redis-prefix`). */
  readonly usesStore?: boolean;
  /** Reads a secret from stdin and refuses one given as an argument itself, with a message saying how. */
  readonly readsSecret?: boolean;
  /** Environment variables it reads, for `--help`. */
  readonly env?: readonly string[];
  /** An example line for `--help` and the README. */
  readonly example: string;
  run(context: CommandContext): Promise<CommandResult>;
}
