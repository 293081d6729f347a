import {
  type ApiKeyView,
  type CreatedApiKey,
  createApiKeyManager,
  isValidApiKeyPrefix,
} from '@portcullis/core/apikeys';
import { usageError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { durationFlag, listFlag, requiredFlag, stringFlag } from '../lib/flags.js';
import { apiKeyPepper } from '../secrets/api-key-pepper.js';
import { type OpenedStore, withStore } from '../stores/open-store.js';
import { resolveStoreConfig } from '../stores/store-config.js';

/**
 * Everything an API-key command needs, checked before the store is opened (so bad input writes nothing):
 * the store, the pepper, the owner and the prefix.
 */
function prepare(context: CommandContext) {
  const config = resolveStoreConfig(context.values, context.io.env);
  const pepper = apiKeyPepper(context.io.env);
  const owner = requiredFlag(context.values, 'owner');
  const prefix = stringFlag(context.values, 'prefix');
  if (prefix !== undefined && !isValidApiKeyPrefix(prefix))
    throw usageError(
      '--prefix must be lowercase letters and digits in segments joined by "_", such as pc_live',
    );
  const managerOf = (store: OpenedStore) =>
    createApiKeyManager({ store: store.apiKeys, pepper, ...(prefix === undefined ? {} : { prefix }) });
  return { config, owner, managerOf };
}

function status(view: ApiKeyView, now: number): 'active' | 'revoked' | 'expired' {
  if (view.revokedAt !== null) return 'revoked';
  return view.expiresAt !== null && view.expiresAt.getTime() <= now ? 'expired' : 'active';
}

/** A new key: the secret alone on standard output (for `KEY=$(…)`), what it is on standard error. */
function issued(created: CreatedApiKey, description: string, verb: string): CommandResult {
  const { apiKey } = created;
  return {
    json: { store: description, key: created.key, apiKey },
    text: created.key,
    notice: `${verb} API key ${apiKey.id} "${apiKey.name}" for ${apiKey.scopes.length === 0 ? 'no scopes' : apiKey.scopes.join(' ')}, expires ${apiKey.expiresAt?.toISOString() ?? 'never'}; the key above is shown only once`,
  };
}

/** `apikey create`: issues a key and prints its secret, once. */
export async function apikeyCreate(context: CommandContext): Promise<CommandResult> {
  const { config, owner, managerOf } = prepare(context);
  const name = requiredFlag(context.values, 'name');
  const scopes = listFlag(context.values, 'scope');
  const expiresIn = durationFlag(context.values, 'expires-in');
  if (expiresIn !== undefined && (!Number.isSafeInteger(expiresIn) || expiresIn < 1))
    throw usageError('--expires-in must be at least one second');
  return withStore(config, 'use', async (store) => {
    const created = await managerOf(store).create({
      ownerId: owner,
      name,
      scopes,
      expiresIn: expiresIn ?? null,
    });
    return issued(created, store.description, 'created');
  });
}

/** `apikey list`: the owner's keys, newest first; never a secret or a hash. */
export async function apikeyList(context: CommandContext): Promise<CommandResult> {
  const { config, owner, managerOf } = prepare(context);
  return withStore(config, 'use', async (store) => {
    const keys = await managerOf(store).list(owner);
    const now = Date.now();
    const rows = keys.map((view) => ({ ...view, status: status(view, now) }));
    const lines = rows.map(
      (row) =>
        `${row.id}  ${row.status.padEnd(7)}  ${row.name}  [${row.scopes.join(' ')}]  created ${row.createdAt.toISOString()}  expires ${row.expiresAt?.toISOString() ?? 'never'}`,
    );
    return {
      json: { store: store.description, owner, keys: rows },
      text: rows.length === 0 ? `no API keys for ${owner}` : lines.join('\n'),
    };
  });
}

/** `apikey revoke`: stops a key at once. */
export async function apikeyRevoke(context: CommandContext): Promise<CommandResult> {
  const { config, owner, managerOf } = prepare(context);
  const id = requiredFlag(context.values, 'id');
  return withStore(config, 'use', async (store) => {
    await managerOf(store).revoke(owner, id);
    return { json: { store: store.description, id, revoked: true }, text: `revoked API key ${id}` };
  });
}

/** `apikey roll`: a replacement key; the old one keeps working for `--grace` (default: stops at once). */
export async function apikeyRoll(context: CommandContext): Promise<CommandResult> {
  const { config, owner, managerOf } = prepare(context);
  const id = requiredFlag(context.values, 'id');
  const graceSeconds = durationFlag(context.values, 'grace') ?? 0;
  if (!Number.isSafeInteger(graceSeconds)) throw usageError('--grace must be a whole number of seconds');
  return withStore(config, 'use', async (store) => {
    const created = await managerOf(store).roll(owner, id, { graceSeconds });
    return issued(created, store.description, `rolled ${id} into`);
  });
}
