import {
  createPasswordHasher,
  migrateLegacyBcryptHashes,
  type StoredPasswordHash,
} from '@portcullis/core/passwords';
import { CliError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';

/** Upper bound of the JSON Lines read at once: a few hundred thousand users. */
const MAX_INPUT_BYTES = 256 * 1024 * 1024;

function invalidLine(line: number, problem: string): CliError {
  // The line itself is never quoted: it holds a password hash.
  return new CliError('invalid_input', `line ${line} of standard input ${problem}`, EXIT.usage);
}

/**
 * Reads `{"id": "…", "passwordHash": "…"}` per line, all of it before any hash is computed: a malformed
 * line stops the command before anything is written.
 */
export function parseUsers(text: string): StoredPasswordHash[] {
  const users: StoredPasswordHash[] = [];
  const ids = new Set<string>();
  for (const [index, raw] of text.split('\n').entries()) {
    if (raw.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw invalidLine(index + 1, 'is not JSON');
    }
    const { id, passwordHash } = (parsed ?? {}) as { id?: unknown; passwordHash?: unknown };
    if (typeof id !== 'string' || id === '' || !(typeof passwordHash === 'string' || passwordHash === null))
      throw invalidLine(index + 1, 'is not {"id": string, "passwordHash": string | null}');
    if (ids.has(id)) throw invalidLine(index + 1, `repeats the id ${JSON.stringify(id)}`);
    ids.add(id);
    users.push({ id, passwordHash });
  }
  return users;
}

/**
 * `hashes wrap-bcrypt`: core's legacy-hash migration, offline. Users come in as JSON Lines on standard input;
 * each bcrypt hash is wrapped in argon2id (no password needed) and the changed users go out as JSON Lines,
 * only once every one of them is done. Verifying wrapped hashes needs `passwords.bcrypt` in the app.
 */
export async function hashesWrapBcrypt(context: CommandContext): Promise<CommandResult> {
  if (context.io.stdinIsTty)
    throw new CliError(
      'invalid_input',
      'pipe the users in as JSON Lines: portcullis hashes wrap-bcrypt < users.jsonl > wrapped.jsonl',
      EXIT.usage,
    );
  let text: string;
  try {
    text = await context.io.readStdin(MAX_INPUT_BYTES);
  } catch (error) {
    throw new CliError('invalid_input', (error as Error).message, EXIT.usage);
  }
  const users = parseUsers(text);
  const wrapped: StoredPasswordHash[] = [];
  const refusedIds: string[] = [];
  const report = await migrateLegacyBcryptHashes({
    passwords: createPasswordHasher(),
    users,
    // Offline there is nobody to race: every write "succeeds" into the output.
    directory: {
      async update(id, patch) {
        wrapped.push({ id, passwordHash: patch.passwordHash });
        return {};
      },
    },
    onRefused: (id) => refusedIds.push(id),
  });
  const summary = `wrapped ${report.wrapped}, passed over ${report.passedOver}, refused ${report.refused}${
    refusedIds.length === 0 ? '' : ` (need a password reset: ${refusedIds.join(', ')})`
  }`;
  return {
    json: { ...report, refusedIds, users: wrapped },
    text: wrapped.map((user) => JSON.stringify(user)).join('\n'),
    notice: summary,
  };
}
