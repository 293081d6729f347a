import { AuthError } from '../errors/auth-error.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { isSigningAlgorithm, type SigningAlgorithm } from './algorithms.js';
import { generateSigningKey } from './generate-key.js';
import type { JsonWebKeySet, PublicJwk } from './jwk.js';
import type { KeySource, VerificationKey } from './key-source.js';
import type { KeyringSnapshot, KeyringStore } from './keyring-store.js';
import { importSigningKey, KEY_MATERIAL, type SigningKey } from './signing-key.js';

export interface KeyringOptions {
  /** Algorithm of generated keys. Default `"EdDSA"` (Ed25519). */
  algorithm?: SigningAlgorithm;
  /**
   * How long a replaced key keeps verifying after `rotate()`, in seconds or as `"1d"`. Must be at least the
   * longest lifetime of a token it signed (`createAuth` checks this against the access-token TTL). Default `"1d"`.
   */
  retireAfter?: number | string;
  /**
   * Keys managed outside portcullis (e.g. parsed from `SIGNING_KEYS`): the first signs, all verify, none
   * retires, and `rotate()` is refused with 409 `conflict`. Cannot be combined with `store`.
   */
  keys?: readonly SigningKey[];
  /** Where generated keys are persisted and shared between instances. Without it, keys live in memory only. */
  store?: KeyringStore;
  /** Minimum seconds between store reloads triggered by an unknown `kid`. Default 5. */
  reloadCooldown?: number;
  clock?: Clock;
}

export interface KeyringEntry {
  readonly key: SigningKey;
  /** When the key stops verifying (ms), or `null` while it is the signing key or externally managed. */
  readonly retiresAt: number | null;
}

/** A set of signing keys: one signs, the previous ones verify until they retire. */
export interface Keyring extends KeySource {
  readonly algorithm: SigningAlgorithm;
  /** `"external"` when keys came from configuration; such a keyring cannot rotate. */
  readonly managedBy: 'portcullis' | 'external';
  /** The key new tokens are signed with. */
  current(): SigningKey;
  /** Every key still verifying, the signing key first. */
  entries(): readonly KeyringEntry[];
  /** Makes a new signing key; the previous one verifies until `retireAfter` has passed. */
  rotate(): Promise<SigningKey>;
  /** The public JWK Set (RFC 7517): asymmetric keys still verifying, public members only. */
  jwks(): JsonWebKeySet<PublicJwk>;
  /** The persistable form (private keys included). */
  snapshot(): KeyringSnapshot;
  /** Reloads from the store when another instance changed it. Resolves `true` when something changed. */
  reload(): Promise<boolean>;
}

interface State {
  revision: number;
  entries: KeyringEntry[];
  /** kid → key and retirement time, for the verifier's hot path. */
  verification: Map<string, { key: VerificationKey; retiresAt: number | null }>;
}

function verificationKeyOf(key: SigningKey): VerificationKey {
  const material = key[KEY_MATERIAL];
  // The JWK a WebCrypto verifier imports: the public half, or the secret itself for HMAC.
  const jwk = key.publicJwk === undefined ? material.privateJwk : { ...key.publicJwk };
  return Object.freeze({ kid: key.kid, alg: key.alg, nodeKey: material.verificationKey, jwk });
}

function buildState(revision: number, entries: KeyringEntry[]): State {
  return {
    revision,
    entries,
    verification: new Map(
      entries.map((e) => [e.key.kid, { key: verificationKeyOf(e.key), retiresAt: e.retiresAt }]),
    ),
  };
}

async function fromSnapshot(snapshot: KeyringSnapshot): Promise<State> {
  if (
    snapshot?.format !== 'portcullis.keyring.v1' ||
    !Array.isArray(snapshot.keys) ||
    snapshot.keys.length === 0
  ) {
    throw new TypeError('the stored keyring is not a portcullis.keyring.v1 snapshot');
  }
  const entries = await Promise.all(
    snapshot.keys.map(async (stored) => ({
      key: await importSigningKey(stored.jwk, { createdAt: stored.createdAt }),
      retiresAt: stored.retiresAt,
    })),
  );
  return buildState(snapshot.revision, entries);
}

/**
 * Creates a keyring. With a `store`, it loads the stored keys (generating and saving the first key when
 * there are none); with `keys`, it uses those as externally managed keys; otherwise it generates a key in memory.
 *
 * @example
 * const keyring = await createKeyring({ algorithm: 'EdDSA', store: createMemoryKeyringStore() });
 * const next = await keyring.rotate();
 */
export async function createKeyring(options: KeyringOptions = {}): Promise<Keyring> {
  const algorithm = options.algorithm ?? 'EdDSA';
  if (!isSigningAlgorithm(algorithm))
    throw new TypeError(`unsupported keyring algorithm ${JSON.stringify(algorithm)}`);
  const retireAfterMs = parseDuration(options.retireAfter ?? '1d', 'retireAfter') * 1000;
  const reloadCooldownMs = (options.reloadCooldown ?? 5) * 1000;
  const clock = options.clock ?? systemClock;
  const store = options.store;
  if (options.keys !== undefined && store !== undefined)
    throw new TypeError('keyring: pass either keys or store, not both');
  if (options.keys !== undefined && options.keys.length === 0)
    throw new TypeError('keyring: keys must not be empty');

  const managedBy = options.keys === undefined ? 'portcullis' : 'external';
  let state: State;
  if (options.keys !== undefined) {
    state = buildState(
      1,
      options.keys.map((key) => ({ key, retiresAt: null })),
    );
  } else if (store !== undefined) {
    state = await loadOrInitialise(store);
  } else {
    state = buildState(1, [
      { key: await generateSigningKey(algorithm, { createdAt: clock() }), retiresAt: null },
    ]);
  }
  // The first unknown kid reloads at once; later ones wait for the cooldown (an attacker's random kids cost one read per cooldown).
  let lastReloadAt = Number.NEGATIVE_INFINITY;

  async function loadOrInitialise(keyStore: KeyringStore): Promise<State> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = await keyStore.load();
      if (stored !== null) return fromSnapshot(stored);
      const first = buildState(1, [
        { key: await generateSigningKey(algorithm, { createdAt: clock() }), retiresAt: null },
      ]);
      if (await keyStore.save(toSnapshot(first), 0)) return first;
      // Another instance initialised the store first: use its key.
    }
    throw new Error('keyring: could not initialise the key store');
  }

  function live(entries: readonly KeyringEntry[], now: number): KeyringEntry[] {
    return entries.filter((entry) => entry.retiresAt === null || entry.retiresAt > now);
  }

  function toSnapshot(from: State): KeyringSnapshot {
    return {
      format: 'portcullis.keyring.v1',
      revision: from.revision,
      keys: from.entries.map((e) => ({
        jwk: e.key.exportPrivateJwk(),
        createdAt: e.key.createdAt,
        retiresAt: e.retiresAt,
      })),
    };
  }

  async function reload(): Promise<boolean> {
    if (store === undefined) return false;
    lastReloadAt = clock();
    const stored = await store.load();
    if (stored === null || stored.revision === state.revision) return false;
    state = await fromSnapshot(stored);
    return true;
  }

  const keyring: Keyring = {
    algorithm,
    managedBy,
    get revision() {
      return state.revision;
    },
    current: () => state.entries[0]!.key,
    entries: () => live(state.entries, clock()),
    resolve(header) {
      if (typeof header.kid !== 'string') {
        // Our tokens always name their key; a kid-less token is only accepted while exactly one key verifies.
        const entries = live(state.entries, clock());
        return entries.length === 1 ? state.verification.get(entries[0]!.key.kid)?.key : undefined;
      }
      const found = state.verification.get(header.kid);
      if (found !== undefined)
        return found.retiresAt === null || found.retiresAt > clock() ? found.key : undefined;
      // An unknown kid may be a key another instance has just rotated in: reload, at most once per cooldown.
      if (store !== undefined && clock() - lastReloadAt >= reloadCooldownMs) {
        const kid = header.kid;
        return reload().then(() => {
          const reloaded = state.verification.get(kid);
          return reloaded !== undefined && (reloaded.retiresAt === null || reloaded.retiresAt > clock())
            ? reloaded.key
            : undefined;
        });
      }
      return undefined;
    },
    async rotate() {
      if (managedBy === 'external') {
        throw new AuthError(
          'conflict',
          'Signing keys are managed by configuration and cannot be rotated here',
        );
      }
      const now = clock();
      const next = await generateSigningKey(algorithm, { createdAt: now });
      const previous = live(state.entries, now).map((e) =>
        e.retiresAt === null ? { key: e.key, retiresAt: now + retireAfterMs } : e,
      );
      const candidate = buildState(state.revision + 1, [{ key: next, retiresAt: null }, ...previous]);
      if (store === undefined || (await store.save(toSnapshot(candidate), state.revision))) {
        state = candidate;
        return next;
      }
      // Another instance rotated at the same moment: adopt its keyring rather than rotating twice.
      await reload();
      return state.entries[0]!.key;
    },
    jwks() {
      const keys: PublicJwk[] = [];
      for (const entry of live(state.entries, clock()))
        if (entry.key.publicJwk !== undefined) keys.push(entry.key.publicJwk);
      return { keys };
    },
    snapshot: () => toSnapshot(state),
    reload,
  };
  return keyring;
}

/**
 * Parses a JWK Set of private signing keys from configuration (such as the contract's `SIGNING_KEYS`
 * environment variable). Every key must name its `alg`; the first one signs.
 *
 * @example const keys = await importSigningKeySet(process.env.SIGNING_KEYS!);
 */
export async function importSigningKeySet(json: string | { keys: unknown }): Promise<SigningKey[]> {
  let parsed: unknown;
  try {
    parsed = typeof json === 'string' ? JSON.parse(json) : json;
  } catch {
    throw new TypeError('signing keys must be a JSON JWK Set: {"keys":[…]}');
  }
  const keys = (parsed as { keys?: unknown })?.keys;
  if (!Array.isArray(keys) || keys.length === 0)
    throw new TypeError('signing keys must be a non-empty JWK Set: {"keys":[…]}');
  return Promise.all(
    keys.map((jwk, index) =>
      importSigningKey(jwk).catch((error: unknown) => {
        throw new TypeError(`signing key #${index}: ${(error as Error).message}`);
      }),
    ),
  );
}
