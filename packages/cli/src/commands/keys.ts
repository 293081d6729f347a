import { createKeyring, SIGNING_ALGORITHMS, type SigningAlgorithm } from '@portcullis/core/keys';
import { CliError, usageError } from '../lib/cli-error.js';
import type { CommandContext, CommandResult } from '../lib/command.js';
import { EXIT } from '../lib/exit-codes.js';
import { durationFlag, stringFlag } from '../lib/flags.js';
import { keyringError, missingKek } from '../secrets/keyring-errors.js';
import { type ResolvedKek, resolveKeyringKek } from '../secrets/keyring-kek.js';
import { keyringAlgorithm, storedKeys } from '../secrets/stored-keys.js';
import { withStore } from '../stores/open-store.js';
import { resolveStoreConfig, type StoreConfig } from '../stores/store-config.js';

function algorithmFlag(context: CommandContext): SigningAlgorithm | undefined {
  const alg = stringFlag(context.values, 'alg');
  if (alg !== undefined && !(SIGNING_ALGORITHMS as readonly string[]).includes(alg))
    throw usageError(`--alg must be one of ${SIGNING_ALGORITHMS.join(', ')}`);
  return alg as SigningAlgorithm | undefined;
}

/**
 * The KEK to seal keys with. Required unless `--allow-plaintext`: keys stored in the clear let whoever reads
 * the store sign tokens for any role, which the apps allow only outside production.
 */
function kekForWriting(context: CommandContext, config: StoreConfig): ResolvedKek | undefined {
  const kek = resolveKeyringKek(context.io.env, config);
  if (kek === undefined && context.values['allow-plaintext'] !== true)
    throw new CliError(
      'missing_secret',
      'KEYRING_KEK is not set: signing keys are stored sealed under it (make one with `portcullis kek generate`), or pass --allow-plaintext for development',
      EXIT.usage,
    );
  return kek;
}

function noKeyring(description: string): CliError {
  return new CliError(
    'no_keyring',
    `no keyring is stored yet, ${description}; create one with \`portcullis keys generate\``,
    EXIT.refused,
  );
}

/** `keys generate`: creates the stored keyring with its first signing key. */
export async function keysGenerate(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  const algorithm = algorithmFlag(context) ?? 'EdDSA';
  const kek = kekForWriting(context, config);
  return withStore(config, 'use', async (store) => {
    const existing = await store.keyring.load();
    if (existing !== null)
      throw new CliError(
        'keyring_exists',
        `a keyring is already stored (${existing.keys.length} keys), ${store.description}; add a key with \`portcullis keys rotate\``,
        EXIT.refused,
      );
    const keyring = await createKeyring({ store: store.keyring, algorithm, keyEncryptionKey: kek?.value });
    const key = keyring.current();
    return {
      json: { store: store.description, kid: key.kid, alg: key.alg, sealed: kek !== undefined },
      text: `generated signing key ${key.kid} (${key.alg}) in ${store.description}`,
      ...(kek === undefined
        ? { notice: 'warning: the private key is stored unencrypted (--allow-plaintext)' }
        : {}),
    };
  });
}

/** `keys rotate`: a new signing key that signs at once; the others verify until `--retire-after`. */
export async function keysRotate(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  const algorithmOverride = algorithmFlag(context);
  const retireAfter = durationFlag(context.values, 'retire-after') ?? 86_400;
  const kek = resolveKeyringKek(context.io.env, config);
  return withStore(config, 'use', async (store) => {
    const snapshot = await store.keyring.load();
    if (snapshot === null) throw noKeyring(store.description);
    if (kek === undefined && snapshot.format === 'portcullis.keyring.v1') kekForWriting(context, config); // a plaintext keyring stays so only when asked
    const keyring = await createKeyring({
      store: store.keyring,
      algorithm: algorithmOverride ?? keyringAlgorithm(snapshot, Date.now()),
      keyEncryptionKey: kek?.value,
      retireAfter,
    }).catch((error: unknown) => {
      throw keyringError(error, kek?.source);
    });
    const previous = keyring.current();
    const next = await keyring.rotate();
    const retiresAt = new Date(Date.now() + retireAfter * 1000).toISOString();
    return {
      json: {
        store: store.description,
        kid: next.kid,
        alg: next.alg,
        previousKid: previous.kid,
        previousRetiresAt: retiresAt,
      },
      text: `rotated: ${next.kid} (${next.alg}) signs now; ${previous.kid} verifies until ${retiresAt}`,
    };
  });
}

/** `keys list`: every stored key and its state, read without the KEK (kids and times are public). */
export async function keysList(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  return withStore(config, 'use', async (store) => {
    const snapshot = await store.keyring.load();
    const keys = snapshot === null ? [] : storedKeys(snapshot, Date.now());
    const sealed = snapshot?.format === 'portcullis.keyring.v2';
    const lines = keys.map(
      (k) =>
        `${k.kid}  ${k.alg.padEnd(5)}  ${k.state.padEnd(9)}  created ${k.createdAt}  retires ${k.retiresAt ?? 'never'}`,
    );
    return {
      json: { store: store.description, sealed, keys },
      text:
        snapshot === null
          ? `no keyring stored yet, ${store.description}`
          : [
              `${keys.length} keys, ${sealed ? 'sealed under a KEK' : 'UNENCRYPTED'}, ${store.description}`,
              ...lines,
            ].join('\n'),
    };
  });
}

/** `keys jwks`: the public JWK Set the apps serve at /.well-known/jwks.json. */
export async function keysJwks(context: CommandContext): Promise<CommandResult> {
  const config = resolveStoreConfig(context.values, context.io.env);
  const kek = resolveKeyringKek(context.io.env, config);
  return withStore(config, 'use', async (store) => {
    const snapshot = await store.keyring.load();
    if (snapshot === null) throw noKeyring(store.description);
    // A keyring in the clear is opened without the KEK: given one, core would seal it, and this only reads.
    const sealed = snapshot.format === 'portcullis.keyring.v2';
    if (sealed && kek === undefined) throw missingKek();
    const keyring = await createKeyring({
      store: store.keyring,
      algorithm: keyringAlgorithm(snapshot, Date.now()),
      keyEncryptionKey: sealed ? kek?.value : undefined,
    }).catch((error: unknown) => {
      throw keyringError(error, kek?.source);
    });
    const jwks = keyring.jwks();
    return {
      json: { ...jwks },
      text: JSON.stringify(jwks, null, 2),
      ...(jwks.keys.length === 0
        ? { notice: 'note: HS256 keys are secret and never published; the set is empty' }
        : {}),
    };
  });
}
