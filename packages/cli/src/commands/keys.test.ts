import { generateKeyEncryptionKey } from '@portcullis/core/keys';
import { expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { describeOnStores } from '../testing/stores.js';

interface Jwks {
  keys: Array<Record<string, string>>;
}

describeOnStores('keys', (store) => {
  const kek = generateKeyEncryptionKey();
  const env = () => ({ ...store().env, KEYRING_KEK: kek });

  it(
    'refuses to generate without KEYRING_KEK, then generates a sealed key that jwks publishes',
    async () => {
      const refused = await runCli(['keys', 'generate'], { env: store().env });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('[missing_secret]');

      const generated = await runCli(['keys', 'generate', '--json'], { env: env() });
      expect(generated.code, generated.stderr).toBe(0);
      const { kid, alg, sealed } = generated.json<{ kid: string; alg: string; sealed: boolean }>();
      expect({ alg, sealed }).toEqual({ alg: 'EdDSA', sealed: true });

      const jwks = await runCli(['keys', 'jwks'], { env: env() });
      expect(jwks.code, jwks.stderr).toBe(0);
      const published = JSON.parse(jwks.stdout) as Jwks;
      expect(published.keys.map((k) => [k['kid'], k['kty'], k['crv']])).toEqual([[kid, 'OKP', 'Ed25519']]);
      expect(published.keys[0]).not.toHaveProperty('d');

      // What the store holds is sealed: no private member in the clear.
      const opened = await store().open();
      const snapshot = await opened.keyring.load();
      await opened.close();
      expect(snapshot?.format).toBe('portcullis.keyring.v2');
      expect(JSON.stringify(snapshot)).not.toMatch(/"d":/);

      const again = await runCli(['keys', 'generate'], { env: env() });
      expect(again.code).toBe(1);
      expect(again.stderr).toContain('[keyring_exists]');
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'rotates: the new key signs, the old one verifies until it retires, jwks holds both',
    async () => {
      const before = await runCli(['keys', 'list', '--json'], { env: env() });
      const [first] = before.json<{ keys: Array<{ kid: string }> }>().keys;

      const rotated = await runCli(['keys', 'rotate', '--retire-after', '2h', '--json'], { env: env() });
      expect(rotated.code, rotated.stderr).toBe(0);
      const { kid, previousKid, previousRetiresAt } = rotated.json<Record<string, string>>();
      expect(previousKid).toBe(first?.kid);
      expect(kid).not.toBe(previousKid);
      const retiresIn = Date.parse(previousRetiresAt!) - Date.now();
      expect(retiresIn).toBeGreaterThan(7000_000 - 120_000);
      expect(retiresIn).toBeLessThanOrEqual(7200_000);

      // Listing needs no KEK: kids and times are public.
      const list = await runCli(['keys', 'list', '--json'], { env: store().env });
      expect(list.code, list.stderr).toBe(0);
      expect(
        list.json<{ keys: Array<{ kid: string; state: string }> }>().keys.map((k) => [k.kid, k.state]),
      ).toEqual([
        [kid, 'signing'],
        [previousKid, 'verifying'],
      ]);

      const jwks = await runCli(['keys', 'jwks', '--json'], { env: env() });
      expect(jwks.json<Jwks>().keys.map((k) => k['kid'])).toEqual([kid, previousKid]);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses jwks under a wrong KEK (exit 1) or none (exit 2), never printing a key',
    async () => {
      const wrongKek = generateKeyEncryptionKey();
      const wrong = await runCli(['keys', 'jwks', '--json'], {
        env: { ...store().env, KEYRING_KEK: wrongKek },
      });
      expect(wrong.code).toBe(1);
      expect(wrong.json<{ ok: boolean; error: { code: string } }>()).toMatchObject({
        ok: false,
        error: { code: 'kek_mismatch' },
      });
      expect(wrong.stdout + wrong.stderr).not.toContain(wrongKek);
      expect(wrong.stdout + wrong.stderr).not.toContain(kek);

      const none = await runCli(['keys', 'jwks'], { env: store().env });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('[missing_secret]');
      expect(none.stdout).toBe('');
    },
    CLI_TEST_TIMEOUT,
  );
});
