import { generateKeyEncryptionKey, importKeyEncryptionKey } from '@portcullis/core/keys';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { describeOnStores } from '../testing/stores.js';

describe('kek generate', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('prints a fresh 32-byte base64url KEK that core accepts, and its public id', async () => {
    const [a, b] = await Promise.all([runCli(['kek', 'generate']), runCli(['kek', 'generate', '--json'])]);
    expect(a.code).toBe(0);
    const kek = a.stdout.trim();
    expect(kek).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(() => importKeyEncryptionKey(kek)).not.toThrow();
    const { kek: other, id } = b.json<{ kek: string; id: string }>();
    expect(other).not.toBe(kek);
    expect(id).toBe(importKeyEncryptionKey(other).id);
  });
});

describeOnStores('kek rotate', (store) => {
  const oldKek = generateKeyEncryptionKey();
  const newKek = generateKeyEncryptionKey();
  const withKek = (kek: string) => ({ ...store().env, KEYRING_KEK: kek });

  async function storedSnapshot() {
    const opened = await store().open();
    try {
      return await opened.keyring.load();
    } finally {
      await opened.close();
    }
  }

  it(
    'fails under a wrong KEK with the stored keyring unchanged',
    async () => {
      expect((await runCli(['keys', 'generate'], { env: withKek(oldKek) })).code).toBe(0);
      expect((await runCli(['keys', 'rotate'], { env: withKek(oldKek) })).code).toBe(0);
      const before = await storedSnapshot();

      const wrong = generateKeyEncryptionKey();
      const refused = await runCli(['kek', 'rotate', '--json'], {
        env: { ...withKek(wrong), KEYRING_KEK_NEW: newKek },
      });
      expect(refused.code).toBe(1);
      expect(refused.json<{ error: { code: string } }>().error.code).toBe('kek_mismatch');
      for (const secret of [wrong, newKek, oldKek])
        expect(refused.stdout + refused.stderr).not.toContain(secret);
      expect(await storedSnapshot()).toEqual(before);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses a malformed KEYRING_KEK_NEW before touching the store, without echoing it',
    async () => {
      const malformed = 'not-a-kek-but-a-secret-value';
      const refused = await runCli(['kek', 'rotate'], {
        env: { ...withKek(oldKek), KEYRING_KEK_NEW: malformed },
      });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain('[invalid_secret]');
      expect(refused.stderr).not.toContain(malformed);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    're-seals every key: the old KEK no longer opens the keyring, the new one does',
    async () => {
      const jwksBefore = await runCli(['keys', 'jwks'], { env: withKek(oldKek) });
      expect(jwksBefore.code, jwksBefore.stderr).toBe(0);

      const rotated = await runCli(['kek', 'rotate', '--json'], {
        env: { ...withKek(oldKek), KEYRING_KEK_NEW: newKek },
      });
      expect(rotated.code, rotated.stderr).toBe(0);
      expect(rotated.json()).toMatchObject({
        keys: 2,
        resealed: true,
        reason: 'previous_kek',
        kekId: importKeyEncryptionKey(newKek).id,
      });
      const snapshot = await storedSnapshot();
      expect(snapshot?.format).toBe('portcullis.keyring.v2');
      if (snapshot?.format === 'portcullis.keyring.v2')
        expect(snapshot.keys.map((k) => k.sealedJwk.kek)).toEqual([
          importKeyEncryptionKey(newKek).id,
          importKeyEncryptionKey(newKek).id,
        ]);

      const underOld = await runCli(['keys', 'jwks'], { env: withKek(oldKek) });
      expect(underOld.code).toBe(1);
      expect(underOld.stderr).toContain('[kek_mismatch]');
      const underNew = await runCli(['keys', 'jwks'], { env: withKek(newKek) });
      expect(underNew.code, underNew.stderr).toBe(0);
      expect(JSON.parse(underNew.stdout)).toEqual(JSON.parse(jwksBefore.stdout));

      // Run again (a retry after a lost terminal): nothing left to do, nothing changed.
      const again = await runCli(['kek', 'rotate', '--json'], {
        env: { ...withKek(oldKek), KEYRING_KEK_NEW: newKek },
      });
      expect(again.code, again.stderr).toBe(0);
      expect(again.json()).toMatchObject({ resealed: false });
      expect(await storedSnapshot()).toEqual(snapshot);
    },
    CLI_TEST_TIMEOUT,
  );
});
