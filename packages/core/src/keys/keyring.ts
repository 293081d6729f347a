import { AuthError } from '../errors/auth-error.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { parseDuration } from '../lib/duration.js';
import { optionError } from '../lib/option-error.js';
import { isSigningAlgorithm, type SigningAlgorithm } from './algorithms.js';
import { generateSigningKey } from './generate-key.js';
import type { JsonWebKeySet, PublicJwk } from './jwk.js';
import type { KeySource, VerificationKey } from './key-source.js';
import {
  type KeyringEntry,
  KeyringSnapshotError,
  openKeyringSnapshot,
  toKeyringSnapshot,
} from './keyring-snapshot.js';
import type { KeyringSnapshot, KeyringStore } from './keyring-store.js';
import { type KeyRotationOptions, parseRotationSchedule, publicationDueAt } from './rotation-schedule.js';
import { createSecretSealer, type SealedSecret, type SecretSealer } from './secret-sealer.js';
import { KEY_MATERIAL, type SigningKey } from './signing-key.js';

export { importSigningKeySet } from './import-signing-key-set.js';
export type { KeyringEntry } from './keyring-snapshot.js';

/** What a keyring reports through `onEvent`; never a secret. */
export type KeyringEvent =
  /** Development only: generated private keys are stored in the clear (no `keyEncryptionKey`). */
  | { type: 'keys.stored_unencrypted' }
  /** At start-up the stored keyring was sealed again under the current KEK: it was in the clear, or under a previous KEK. */
  | { type: 'keys.resealed'; reason: 'was_plaintext' | 'previous_kek' }
  /** A scheduled rotation published a new key, which signs from `signsAt` (ISO 8601). */
  | { type: 'keys.published'; kid: string; signsAt: string }
  /** A scheduled rotation failed (`name` is the error's class); it is tried again a minute later. */
  | { type: 'keys.rotation_failed'; name: string };

export interface KeyringOptions {
  /** Algorithm of generated keys. Default `"EdDSA"` (Ed25519). */
  algorithm?: SigningAlgorithm;
  /**
   * How long a replaced key keeps verifying after it stops signing, in seconds or as `"1d"`. Must be at least
   * the longest lifetime of a token it signed (`createAuth` checks this against the access-token TTL). Default `"1d"`.
   */
  retireAfter?: number | string;
  /**
   * Keys managed outside portcullis (e.g. parsed from `SIGNING_KEYS`): the first signs, all verify, none
   * retires, and `rotate()` is refused with 409 `conflict`. Cannot be combined with `store`.
   */
  keys?: readonly SigningKey[];
  /** Where generated keys are persisted and shared between instances. Without it, keys live in memory only. */
  store?: KeyringStore;
  /**
   * Encrypts every private key in the stored snapshot (AES-256-GCM, the kid as associated data): 32 random
   * bytes, as base64url text or bytes. Required with a `store` when `NODE_ENV=production`.
   */
  keyEncryptionKey?: string | Uint8Array;
  /**
   * Former key-encryption keys: a stored keyring sealed under one of them still opens, and is written back
   * sealed under `keyEncryptionKey` at start-up (by compare-and-set).
   */
  previousKeyEncryptionKeys?: readonly (string | Uint8Array)[];
  /** Scheduled rotation: a new key every `every`, published `prePublish` before it signs. Default: none. */
  rotation?: KeyRotationOptions;
  /** Minimum seconds between store reloads triggered by an unknown `kid`. Default 5. */
  reloadCooldown?: number;
  /** Keyring events, for audit logs. An exception thrown here is ignored. */
  onEvent?: (event: KeyringEvent) => void;
  clock?: Clock;
}

/** A set of signing keys: one signs, the others verify until they retire. */
export interface Keyring extends KeySource {
  readonly algorithm: SigningAlgorithm;
  /** `"external"` when keys came from configuration; such a keyring cannot rotate. */
  readonly managedBy: 'portcullis' | 'external';
  /** The key new tokens are signed with: the newest key that has activated. */
  current(): SigningKey;
  /** Every key still verifying, newest first (a published key that does not sign yet comes before the signing key). */
  entries(): readonly KeyringEntry[];
  /**
   * Makes a new signing key that signs at once; the previous ones verify until `retireAfter` has passed.
   * This is what `POST /admin/keys/rotate` does, with or without a schedule (the schedule restarts from it).
   */
  rotate(): Promise<SigningKey>;
  /**
   * With a `rotation` schedule: publishes the next key when one is due and returns it (`undefined` when
   * nothing was due, or another instance published it first). Called by itself when the keyring is used;
   * await it to know the work is done (tests, a scheduler).
   */
  rotateIfDue(): Promise<SigningKey | undefined>;
  /** The public JWK Set (RFC 7517): asymmetric keys still verifying, public members only. */
  jwks(): JsonWebKeySet<PublicJwk>;
  /** The persisted form: private keys sealed under the key-encryption key when one is configured. */
  snapshot(): KeyringSnapshot;
  /** Reloads from the store when another instance changed it. Resolves `true` when something changed. */
  reload(): Promise<boolean>;
}

interface State {
  /** The store's revision this state was read or written at. */
  revision: number;
  /** Newest first. */
  entries: readonly KeyringEntry[];
  /** kid → key and retirement time, for the verifier's hot path. */
  verification: Map<string, { key: VerificationKey; retiresAt: number | null }>;
}

/** What holds at a moment: recomputed only once `nextChangeAt` has passed, so the hot paths compare one number. */
interface View {
  live: readonly KeyringEntry[];
  liveKids: ReadonlySet<string>;
  signing: SigningKey;
  jwks: JsonWebKeySet<PublicJwk>;
  nextChangeAt: number;
  /** The next time a key stops verifying: the only change of `revision` that no write announces. */
  nextRetirementAt: number;
}

/** After a failed scheduled rotation, the next attempt waits this long (no retry storm on a broken store). */
const ROTATION_RETRY_MS = 60_000;
const ATTEMPTS = 5;
const GENERATE_KEK_HINT =
  "Generate one with: node -e \"console.log(require('node:crypto').randomBytes(32).toString('base64url'))\"";

function verificationKeyOf(key: SigningKey): VerificationKey {
  const material = key[KEY_MATERIAL];
  // The JWK a WebCrypto verifier imports: the public half, or the secret itself for HMAC.
  const jwk = key.publicJwk === undefined ? material.privateJwk : { ...key.publicJwk };
  return Object.freeze({ kid: key.kid, alg: key.alg, nodeKey: material.verificationKey, jwk });
}

function buildState(revision: number, entries: KeyringEntry[]): State {
  const frozen = entries.map((e) => Object.freeze({ ...e }));
  return {
    revision,
    entries: frozen,
    verification: new Map(
      frozen.map((e) => [e.key.kid, { key: verificationKeyOf(e.key), retiresAt: e.retiresAt }]),
    ),
  };
}

function isLive(entry: KeyringEntry, now: number): boolean {
  return entry.retiresAt === null || entry.retiresAt > now;
}

function isProduction(): boolean {
  return globalThis.process?.env?.['NODE_ENV'] === 'production';
}

function keySealer(options: KeyringOptions): SecretSealer | undefined {
  if (options.keyEncryptionKey === undefined) {
    if (options.previousKeyEncryptionKeys !== undefined)
      throw optionError(
        'createKeyring.previousKeyEncryptionKeys',
        'needs keyEncryptionKey (the current key)',
        'set keyEncryptionKey too',
      );
    return undefined;
  }
  if (options.keys !== undefined) {
    throw optionError(
      'createKeyring.keyEncryptionKey',
      'protects generated keys in a store; keys from configuration are never stored, so it would protect nothing',
      'remove it, or keys',
    );
  }
  return createSecretSealer({
    keyEncryptionKey: options.keyEncryptionKey,
    ...(options.previousKeyEncryptionKeys === undefined
      ? {}
      : { previousKeyEncryptionKeys: options.previousKeyEncryptionKeys }),
  });
}

/**
 * Creates a keyring. With a `store`, it loads the stored keys (generating and saving the first key when
 * there are none), sealed under `keyEncryptionKey`; with `keys`, it uses those as externally managed keys;
 * otherwise it generates a key in memory. A stored keyring that cannot be opened stops start-up with a
 * `KeyringSnapshotError` naming the problem: keys are never silently replaced.
 *
 * @example
 * const keyring = await createKeyring({ store: createMemoryKeyringStore(), keyEncryptionKey: process.env.KEYRING_KEK,
 *   rotation: { every: '30d', prePublish: '1d' } });
 * const next = await keyring.rotate();
 */
export async function createKeyring(options: KeyringOptions = {}): Promise<Keyring> {
  const algorithm = options.algorithm ?? 'EdDSA';
  if (!isSigningAlgorithm(algorithm))
    throw optionError(
      'createKeyring.algorithm',
      `${JSON.stringify(algorithm)} is not a supported signing algorithm`,
      "use 'EdDSA', 'ES256', 'RS256' or 'HS256', or omit it for 'EdDSA'",
    );
  const retireAfterMs = parseDuration(options.retireAfter ?? '1d', 'createKeyring.retireAfter') * 1000;
  const reloadCooldownMs = (options.reloadCooldown ?? 5) * 1000;
  const clock = options.clock ?? systemClock;
  const store = options.store;
  if (options.keys !== undefined && store !== undefined)
    throw optionError(
      'createKeyring.keys',
      'and store were both given',
      'pass keys (configured) or store (generated), not both',
    );
  if (options.keys !== undefined && options.keys.length === 0)
    throw optionError(
      'createKeyring.keys',
      'must not be empty',
      'pass at least one signing key, or a store instead',
    );
  const sealer = keySealer(options);
  const schedule = parseRotationSchedule(options.rotation, 'createKeyring.rotation');
  if (schedule !== undefined && options.keys !== undefined)
    throw optionError(
      'createKeyring.rotation',
      'needs generated keys: keys from configuration never rotate',
      'remove rotation, or pass a store instead of keys',
    );
  const managedBy = options.keys === undefined ? 'portcullis' : 'external';
  const emit = (event: KeyringEvent) => {
    try {
      options.onEvent?.(event);
    } catch {
      // An audit hook must never break key management.
    }
  };
  if (store !== undefined && sealer === undefined) {
    if (isProduction()) {
      throw optionError(
        'createKeyring.keyEncryptionKey',
        'is required when NODE_ENV=production and signing keys are generated into a store: without it, whoever reads the stored keyring can sign tokens for any role',
        GENERATE_KEK_HINT,
      );
    }
    emit({ type: 'keys.stored_unencrypted' });
  }

  // Envelopes of keys sealed under the current KEK, reused so that saving again re-encrypts nothing.
  const sealedCache = new WeakMap<SigningKey, SealedSecret>();
  const toSnapshot = (from: State) => toKeyringSnapshot(from.revision, from.entries, sealer, sealedCache);
  let state: State;
  let view: View | undefined;
  // Changes whenever a kid stops verifying, so the verifier drops cached tokens (KeySource.revision).
  let usableRevision = 0;
  // The first unknown kid reloads at once; later ones wait for the cooldown (an attacker's random kids cost one read per cooldown).
  let lastReloadAt = Number.NEGATIVE_INFINITY;
  let scheduledRotation: Promise<SigningKey | undefined> | undefined;
  let retryRotationAt = Number.NEGATIVE_INFINITY;

  function newestActivation(entries: readonly KeyringEntry[]): number {
    return entries.reduce((latest, e) => Math.max(latest, e.activatesAt), Number.NEGATIVE_INFINITY);
  }

  function rotationDueAt(): number {
    return schedule === undefined
      ? Number.POSITIVE_INFINITY
      : publicationDueAt(newestActivation(state.entries), schedule);
  }

  function refreshView(now: number): View {
    const live = state.entries.filter((e) => isLive(e, now));
    // The newest active key signs; before any is active (clock skew), the one activating first.
    const active = live.find((e) => e.activatesAt <= now);
    const signing = (
      active ??
      [...live].sort((a, b) => a.activatesAt - b.activatesAt)[0] ??
      state.entries[0]!
    ).key;
    let nextRetirementAt = Number.POSITIVE_INFINITY;
    let nextChangeAt = Number.POSITIVE_INFINITY;
    for (const e of state.entries) {
      if (e.activatesAt > now) nextChangeAt = Math.min(nextChangeAt, e.activatesAt);
      if (e.retiresAt !== null && e.retiresAt > now)
        nextRetirementAt = Math.min(nextRetirementAt, e.retiresAt);
    }
    nextChangeAt = Math.min(nextChangeAt, nextRetirementAt);
    const rotationAt = Math.max(rotationDueAt(), retryRotationAt);
    if (rotationAt > now) nextChangeAt = Math.min(nextChangeAt, rotationAt);
    const liveKids = new Set(live.map((e) => e.key.kid));
    if (view !== undefined && [...view.liveKids].some((kid) => !liveKids.has(kid))) usableRevision += 1;
    const keys: PublicJwk[] = [];
    for (const e of live) if (e.key.publicJwk !== undefined) keys.push(e.key.publicJwk);
    view = { live, liveKids, signing, jwks: { keys }, nextChangeAt, nextRetirementAt };
    if (rotationAt <= now && scheduledRotation === undefined) startScheduledRotation();
    return view;
  }

  /** The view at `now`: the cheap check every read makes ("is anything due?"). */
  function viewAt(now: number): View {
    return view !== undefined && now < view.nextChangeAt ? view : refreshView(now);
  }

  function setState(next: State): void {
    state = next;
    refreshView(clock());
  }

  /** Saves `candidate` over `base` by compare-and-set; on a lost race, adopts what the winner stored. */
  async function commit(base: State, candidate: State): Promise<boolean> {
    if (store === undefined || (await store.save(toSnapshot(candidate), base.revision))) {
      setState(candidate);
      return true;
    }
    await reload();
    return false;
  }

  async function loadOrInitialize(keyStore: KeyringStore): Promise<State> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const stored = await keyStore.load();
      if (stored === null) {
        const now = clock();
        const key = await generateSigningKey(algorithm, { createdAt: now });
        const first = buildState(1, [{ key, activatesAt: now, retiresAt: null }]);
        if (await keyStore.save(toSnapshot(first), 0)) return first;
        continue; // Another instance initialised the store first: use its key.
      }
      const opened = await openKeyringSnapshot(stored, sealer, sealedCache);
      if (opened.rewrite === undefined) return buildState(opened.revision, opened.entries);
      // In the clear, or under a previous KEK: write it back sealed under the current one.
      const resealed = buildState(opened.revision + 1, opened.entries);
      if (await keyStore.save(toSnapshot(resealed), opened.revision)) {
        emit({ type: 'keys.resealed', reason: opened.rewrite });
        return resealed;
      }
      // Another instance changed it meanwhile (perhaps resealing it too): read it again.
    }
    throw new KeyringSnapshotError('keyring: the key store changed at every attempt to load it');
  }

  async function reload(): Promise<boolean> {
    if (store === undefined) return false;
    lastReloadAt = clock();
    const stored = await store.load();
    if (stored === null || stored.revision === state.revision) return false;
    if (sealer !== undefined && stored?.format === 'portcullis.keyring.v1') {
      // Only start-up encrypts a keyring found in the clear: one appearing later was written past this keyring.
      throw new KeyringSnapshotError(
        'the stored keyring was replaced by one in the clear after it had been encrypted; refusing it',
      );
    }
    const opened = await openKeyringSnapshot(stored, sealer, sealedCache);
    setState(buildState(opened.revision, opened.entries));
    return true;
  }

  async function publishScheduledKey(): Promise<SigningKey | undefined> {
    if (schedule === undefined || clock() < rotationDueAt()) return undefined;
    // Another instance may have published already: look before generating.
    await reload();
    if (clock() < rotationDueAt()) return undefined;
    const next = await generateSigningKey(algorithm, { createdAt: clock() });
    const base = state;
    const now = clock();
    const activatesAt = now + schedule.prePublishMs;
    // Every retirement is fixed now, so that no further write is needed when the new key starts signing.
    const candidate = buildState(base.revision + 1, [
      { key: next, activatesAt, retiresAt: null },
      ...base.entries
        .filter((e) => isLive(e, now))
        .map((e) => (e.retiresAt === null ? { ...e, retiresAt: activatesAt + retireAfterMs } : e)),
    ]);
    if (!(await commit(base, candidate))) return undefined; // another instance won: its key was adopted
    emit({ type: 'keys.published', kid: next.kid, signsAt: new Date(activatesAt).toISOString() });
    return next;
  }

  function rotateIfDue(): Promise<SigningKey | undefined> {
    if (scheduledRotation !== undefined) return scheduledRotation;
    const attempt = publishScheduledKey().finally(() => {
      scheduledRotation = undefined;
    });
    scheduledRotation = attempt;
    return attempt;
  }

  function startScheduledRotation(): void {
    const retryLater = () => {
      retryRotationAt = clock() + ROTATION_RETRY_MS;
      refreshView(clock());
    };
    rotateIfDue().then(
      () => {
        if (clock() >= rotationDueAt()) retryLater(); // nothing could be published: never spin
      },
      (error: unknown) => {
        emit({ type: 'keys.rotation_failed', name: (error as Error)?.name ?? 'Error' });
        retryLater();
      },
    );
  }

  if (options.keys !== undefined) {
    // Configured keys are all active (activatesAt 0), so the first one given signs, whatever its creation time.
    state = buildState(
      1,
      options.keys.map((key) => ({ key, activatesAt: 0, retiresAt: null })),
    );
  } else if (store !== undefined) {
    state = await loadOrInitialize(store);
  } else {
    const now = clock();
    state = buildState(1, [
      { key: await generateSigningKey(algorithm, { createdAt: now }), activatesAt: now, retiresAt: null },
    ]);
  }
  refreshView(clock());

  function resolveLive(kid: string): VerificationKey | undefined {
    const found = state.verification.get(kid);
    return found !== undefined && (found.retiresAt === null || found.retiresAt > clock())
      ? found.key
      : undefined;
  }

  const keyring: Keyring = {
    algorithm,
    managedBy,
    get revision() {
      // Read on every verification, cache hits included: the clock (~45 ns) only while a key is due to retire.
      if (view!.nextRetirementAt !== Number.POSITIVE_INFINITY) viewAt(clock());
      return usableRevision;
    },
    current: () => viewAt(clock()).signing,
    entries: () => [...viewAt(clock()).live],
    resolve(header) {
      if (typeof header.kid !== 'string') {
        // Our tokens always name their key; a kid-less token is only accepted while exactly one key verifies.
        const live = viewAt(clock()).live;
        return live.length === 1 ? state.verification.get(live[0]!.key.kid)?.key : undefined;
      }
      if (state.verification.has(header.kid)) return resolveLive(header.kid);
      // An unknown kid may be a key another instance has just rotated in: reload, at most once per cooldown.
      if (store !== undefined && clock() - lastReloadAt >= reloadCooldownMs) {
        const kid = header.kid;
        return reload().then(() => resolveLive(kid));
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
      const next = await generateSigningKey(algorithm, { createdAt: clock() });
      const base = state;
      const now = clock();
      const retiresAt = now + retireAfterMs;
      const candidate = buildState(base.revision + 1, [
        { key: next, activatesAt: now, retiresAt: null },
        // Every other key stops signing now, so it need verify only `retireAfter` longer.
        ...base.entries
          .filter((e) => isLive(e, now))
          .map((e) => ({
            ...e,
            retiresAt: e.retiresAt === null ? retiresAt : Math.min(e.retiresAt, retiresAt),
          })),
      ]);
      if (await commit(base, candidate)) return next;
      // Another instance rotated at the same moment: adopt its keyring rather than rotating twice.
      return viewAt(clock()).signing;
    },
    rotateIfDue,
    jwks: () => ({ keys: [...viewAt(clock()).jwks.keys] }),
    snapshot: () => toSnapshot(state),
    reload,
  };
  return keyring;
}
