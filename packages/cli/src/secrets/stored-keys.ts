import type { KeyringSnapshot, SigningAlgorithm } from '@portcullis/core/keys';

/** What may be shown of a stored key without opening it: everything but the key itself. */
export interface StoredKeyInfo {
  kid: string;
  alg: SigningAlgorithm;
  /** `signing` (the newest active key), `verifying`, `published` (signs from `activatesAt`) or `retired`. */
  state: 'signing' | 'verifying' | 'published' | 'retired';
  createdAt: string;
  activatesAt: string;
  retiresAt: string | null;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The keys of a stored keyring, newest first, read from the public part of the snapshot: a sealed keyring
 * (`portcullis.keyring.v2`) lists without its key-encryption key.
 *
 * @example storedKeys(await store.keyring.load(), Date.now())[0].state // 'signing'
 */
export function storedKeys(snapshot: KeyringSnapshot, now: number): StoredKeyInfo[] {
  const keys = snapshot.keys.map((stored) => {
    const named = 'kid' in stored ? stored : { kid: String(stored.jwk['kid']), alg: stored.jwk['alg'] };
    return {
      kid: named.kid,
      alg: named.alg as SigningAlgorithm,
      createdAt: stored.createdAt,
      activatesAt: stored.activatesAt ?? stored.createdAt,
      retiresAt: stored.retiresAt,
    };
  });
  // The keyring's own rule: the newest key that has activated and not retired signs.
  const live = (k: (typeof keys)[number]) => k.retiresAt === null || k.retiresAt > now;
  const signing = keys.find((k) => live(k) && k.activatesAt <= now);
  return keys.map((k) => ({
    kid: k.kid,
    alg: k.alg,
    state: !live(k) ? 'retired' : k === signing ? 'signing' : k.activatesAt > now ? 'published' : 'verifying',
    createdAt: iso(k.createdAt),
    activatesAt: iso(k.activatesAt),
    retiresAt: k.retiresAt === null ? null : iso(k.retiresAt),
  }));
}

/** The algorithm new keys should have: the signing key's, else the newest key's. */
export function keyringAlgorithm(snapshot: KeyringSnapshot, now: number): SigningAlgorithm {
  const keys = storedKeys(snapshot, now);
  return (keys.find((k) => k.state === 'signing') ?? keys[0])?.alg ?? 'EdDSA';
}
