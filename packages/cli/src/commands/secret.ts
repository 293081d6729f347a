import { randomBytes } from 'node:crypto';
import { importHmacSecret, importKeyEncryptionKey } from '@portcullis/core/keys';
import { CliError, usageError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';
import { stringFlag } from '../lib/flags.js';
import { readSecret } from '../secrets/read-secret.js';
import { refuseSecretOnArgv } from './password.js';

const MIN_BYTES = 32;
const MAX_BYTES = 1024;

/** `secret generate`: random bytes (32 by default) as base64url: a pepper, an HMAC secret or a KEK. */
export async function secretGenerate(context: CommandContext): Promise<CommandResult> {
  const text = stringFlag(context.values, 'bytes') ?? String(MIN_BYTES);
  const bytes = Number(text);
  if (!/^\d+$/.test(text) || bytes < MIN_BYTES || bytes > MAX_BYTES)
    throw usageError(`--bytes must be a whole number from ${MIN_BYTES} to ${MAX_BYTES}`);
  const secret = randomBytes(bytes).toString('base64url');
  return { json: { secret, bytes }, text: secret };
}

/** What `secret check --for` can check a secret as, each with core's own import. */
const CHECKS = {
  /** An HMAC secret (JWT_SECRET, API_KEY_PEPPER): as `importHmacSecret` takes text. */
  hmac: async (secret: string) => {
    await importHmacSecret(secret);
  },
  /** A key-encryption key (KEYRING_KEK): exactly 32 random bytes as base64url. */
  kek: async (secret: string) => {
    importKeyEncryptionKey(secret, 'the secret');
  },
} as const;

/** `secret check`: whether core would accept the secret on standard input; the secret is never printed. */
export async function secretCheck(context: CommandContext): Promise<CommandResult> {
  refuseSecretOnArgv(context, 'secret', 'portcullis secret check < secret.txt');
  const kind = stringFlag(context.values, 'for') ?? 'hmac';
  if (!(kind in CHECKS)) throw usageError(`--for must be one of ${Object.keys(CHECKS).join(', ')}`);
  const secret = await readSecret(context.io, 'secret');
  try {
    await CHECKS[kind as keyof typeof CHECKS](secret);
  } catch (error) {
    // Core's refusals say what is wrong and how to make a good one; they never repeat the secret.
    throw new CliError(
      'invalid_secret',
      `refused as ${kind === 'kek' ? 'a KEK' : 'an HMAC secret'}: ${(error as Error).message}`,
      EXIT.refused,
      { accepted: false },
    );
  }
  const bytes = Buffer.byteLength(secret, 'utf8');
  return {
    json: { accepted: true, for: kind, bytes },
    text: `accepted as ${kind === 'kek' ? 'a KEK' : 'an HMAC secret'} (${bytes} bytes)`,
  };
}
