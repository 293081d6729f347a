import type { Command } from './command.js';

function commandLine(command: Command): string {
  return ['portcullis', command.group, command.name].filter((part) => part !== undefined).join(' ');
}

const STORE_HELP = `Store (keys, kek rotate, apikey, migrate), chosen as the demo apps choose it:
  --database-url URL   PostgreSQL (env DATABASE_URL; prefer the variable: argv is visible in ps)
  --data-dir DIR       PGlite in DIR/pglite (env DATA_DIR)
  --redis-url URL      Redis, for apps on createRedisStores alone (env REDIS_URL)
  --schema NAME        PostgreSQL schema (env PORTCULLIS_SCHEMA, default portcullis)
  --redis-prefix P     Redis key prefix (env PORTCULLIS_REDIS_PREFIX, default portcullis:)
  A database URL wins over a data directory, which wins over Redis. When any of the three flags
  is given, DATABASE_URL, DATA_DIR and REDIS_URL are not read.`;

const SECRETS_HELP = `Secrets come from the environment or standard input, never from arguments:
  KEYRING_KEK          seals the stored signing keys (or DATA_DIR/keyring-kek, as the demos keep it)
  KEYRING_KEK_NEW      the key \`kek rotate\` seals under
  API_KEY_PEPPER       the pepper API keys are hashed under (the apps' value)`;

const EXIT_HELP = `Exit codes:
  0  done
  1  refused: invalid token, weak secret, wrong KEK, unknown key, store not migrated…
  2  usage: unknown command or flag, missing or malformed value or input, a secret on argv
  3  unreachable: a store or a JWKS URL could not be reached
  4  unexpected error (a bug; PORTCULLIS_DEBUG=1 prints the stack)`;

/** `portcullis --help`: every command, the store flags, where secrets come from, and the exit codes. */
export function mainHelp(commands: readonly Command[]): string {
  const width = Math.max(...commands.map((c) => commandLine(c).length)) - 'portcullis '.length;
  const lines = commands.map(
    (c) => `  ${commandLine(c).slice('portcullis '.length).padEnd(width)}  ${c.summary}`,
  );
  return [
    'portcullis: signing keys, key-encryption keys, API keys, migrations, hashes, tokens and secrets',
    '',
    'Usage: portcullis <command> [flags]      portcullis <command> --help',
    '',
    'Commands:',
    ...lines,
    '',
    'Every command takes --json: one JSON object on stdout ({"ok": true, …}; on failure',
    '{"ok": false, "error": {"code", "message"}}). Errors are one line on stderr.',
    '',
    STORE_HELP,
    '',
    SECRETS_HELP,
    '',
    EXIT_HELP,
  ].join('\n');
}

/** `portcullis <command> --help`. */
export function commandHelp(command: Command): string {
  return [
    `Usage: ${commandLine(command)} ${command.usage}${command.usesStore ? ' [store flags]' : ''} [--json]`.replace(
      / +/g,
      ' ',
    ),
    '',
    `  ${command.summary}`,
    '',
    `Example: ${command.example}`,
    ...(command.env === undefined ? [] : ['', `Environment: ${command.env.join(', ')}`]),
    ...(command.usesStore ? ['', STORE_HELP] : []),
    '',
    EXIT_HELP,
  ].join('\n');
}
