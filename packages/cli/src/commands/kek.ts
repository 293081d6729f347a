import {
  createKeyring,
  generateKeyEncryptionKey,
  importKeyEncryptionKey,
  type KeyringEvent,
} from '@portcullis/core/keys';
import { CliError, usageError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';
import { keyringError } from '../secrets/keyring-errors.js';
import { checkedKek, resolveKeyringKek } from '../secrets/keyring-kek.js';
import { keyringAlgorithm } from '../secrets/stored-keys.js';
import { withStore } from '../stores/open-store.js';
import { resolveStoreConfig } from '../stores/store-config.js';

/** `kek generate`: a new key-encryption key, printed for the environment (`KEYRING_KEK`). */
export async function kekGenerate(): Promise<CommandResult> {
  const kek = generateKeyEncryptionKey();
  const { id } = importKeyEncryptionKey(kek);
  return {
    json: { kek, id },
    text: kek,
    notice: `key-encryption key ${id}: keep it in your secret manager; whoever holds it can open the stored signing keys`,
  };
}

/**
 * `kek rotate`: seals every stored signing key under `KEYRING_KEK_NEW`, opening them with `KEYRING_KEK`.
 * Core writes the whole re-sealed keyring in one compare-and-set, so it is all or nothing: a key that
 * neither KEK opens stops it before anything is written.
 */
export async function kekRotate(context: CommandContext): Promise<CommandResult> {
  const { env } = context.io;
  const config = resolveStoreConfig(context.values, env);
  const current = resolveKeyringKek(env, config);
  if (current === undefined)
    throw new CliError(
      'missing_secret',
      'KEYRING_KEK (the key the keyring is sealed under now) is not set',
      EXIT.usage,
    );
  const nextValue = env['KEYRING_KEK_NEW']?.trim();
  if (nextValue === undefined || nextValue === '')
    throw new CliError(
      'missing_secret',
      'KEYRING_KEK_NEW (the key to seal under from now on) is not set; make one with `portcullis kek generate`',
      EXIT.usage,
    );
  const next = checkedKek(nextValue, 'KEYRING_KEK_NEW');
  if (next.value === current.value) throw usageError('KEYRING_KEK_NEW is the same key as KEYRING_KEK');
  const nextId = importKeyEncryptionKey(next.value).id;
  const previousId = importKeyEncryptionKey(current.value).id;

  return withStore(config, 'use', async (store) => {
    const snapshot = await store.keyring.load();
    if (snapshot === null)
      throw new CliError(
        'no_keyring',
        `no keyring is stored, ${store.description}; nothing to re-seal`,
        EXIT.refused,
      );
    const events: KeyringEvent[] = [];
    await createKeyring({
      store: store.keyring,
      algorithm: keyringAlgorithm(snapshot, Date.now()),
      keyEncryptionKey: next.value,
      previousKeyEncryptionKeys: [current.value],
      onEvent: (event) => events.push(event),
    }).catch((error: unknown) => {
      const mapped = keyringError(error, 'KEYRING_KEK');
      if (mapped instanceof CliError && mapped.code === 'kek_mismatch')
        throw new CliError(
          'kek_mismatch',
          'neither KEYRING_KEK nor KEYRING_KEK_NEW opens the stored keyring; nothing was changed',
          EXIT.refused,
        );
      throw mapped;
    });
    const after = await store.keyring.load();
    const allUnderNext =
      after?.format === 'portcullis.keyring.v2' && after.keys.every((key) => key.sealedJwk.kek === nextId);
    if (!allUnderNext)
      throw new CliError(
        'keyring_unreadable',
        'the stored keyring changed while it was being re-sealed; run `portcullis kek rotate` again',
        EXIT.refused,
      );
    const resealed = events.find((event) => event.type === 'keys.resealed');
    const count = after.keys.length;
    return {
      json: {
        store: store.description,
        keys: count,
        resealed: resealed !== undefined,
        ...(resealed?.type === 'keys.resealed' ? { reason: resealed.reason } : {}),
        kekId: nextId,
        previousKekId: previousId,
      },
      text:
        resealed === undefined
          ? `the ${count} stored keys are already sealed under the new KEK (${nextId}); nothing changed`
          : `re-sealed ${count} signing keys under the new KEK (${nextId}); set KEYRING_KEK to it and restart the apps`,
    };
  });
}
