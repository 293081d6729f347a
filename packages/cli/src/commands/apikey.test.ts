import { randomBytes } from 'node:crypto';
import { createApiKeyManager } from '@portcullis/core/apikeys';
import { expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { describeOnStores, type TestStore } from '../testing/stores.js';

interface Created {
  key: string;
  apiKey: { id: string; name: string; scopes: string[]; expiresAt: string | null };
}

/** Verifies `key` through core, on the same store and pepper: the principal, or the refusal's code and reason. */
async function verifyThroughCore(store: TestStore, pepper: string, key: string) {
  const opened = await store.open();
  try {
    const principal = await createApiKeyManager({ store: opened.apiKeys, pepper }).verify(key);
    return { subject: principal.subject, scopes: principal.scopes };
  } catch (error) {
    const { code, reason } = error as { code?: string; reason?: string };
    return { code, reason };
  } finally {
    await opened.close();
  }
}

describeOnStores('apikey', (store) => {
  const pepper = randomBytes(32).toString('base64url');
  const env = () => ({ ...store().env, API_KEY_PEPPER: pepper });
  const owner = 'user-1';

  async function create(name: string, ...extra: string[]): Promise<Created> {
    const run = await runCli(['apikey', 'create', '--owner', owner, '--name', name, ...extra, '--json'], {
      env: env(),
    });
    expect(run.code, run.stderr).toBe(0);
    return run.json<Created>();
  }

  it(
    'creates a key that verifies through core, printed once and never listed',
    async () => {
      const text = await runCli(
        [
          'apikey',
          'create',
          '--owner',
          owner,
          '--name',
          'CI',
          '--scope',
          'reports:read,reports:write',
          '--expires-in',
          '30d',
        ],
        { env: env() },
      );
      expect(text.code, text.stderr).toBe(0);
      const key = text.stdout.trim();
      expect(key).toMatch(/^pc_live_[0-9A-Za-z]+_[0-9A-Za-z]+$/);
      expect(text.stderr).toContain('shown only once');
      expect(await verifyThroughCore(store(), pepper, key)).toEqual({
        subject: owner,
        scopes: ['reports:read', 'reports:write'],
      });

      const list = await runCli(['apikey', 'list', '--owner', owner, '--json'], { env: env() });
      expect(list.code, list.stderr).toBe(0);
      const { keys } = list.json<{ keys: Array<{ name: string; status: string; expiresAt: string }> }>();
      expect(keys.map((k) => [k.name, k.status])).toEqual([['CI', 'active']]);
      expect(Date.parse(keys[0]!.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
      expect(list.stdout).not.toContain(key);
      expect(list.stdout).not.toContain('hash');
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'revokes: the key no longer verifies',
    async () => {
      const { key, apiKey } = await create('to revoke');
      expect(await verifyThroughCore(store(), pepper, key)).toMatchObject({ subject: owner });
      const revoked = await runCli(['apikey', 'revoke', '--owner', owner, '--id', apiKey.id], { env: env() });
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(await verifyThroughCore(store(), pepper, key)).toEqual({
        code: 'invalid_token',
        reason: 'revoked',
      });
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'rolls: the old key is refused, the new one accepted; a second roll is a conflict',
    async () => {
      const old = await create('to roll', '--scope', 'reports:read');
      const rolled = await runCli(['apikey', 'roll', '--owner', owner, '--id', old.apiKey.id, '--json'], {
        env: env(),
      });
      expect(rolled.code, rolled.stderr).toBe(0);
      const next = rolled.json<Created>();
      expect(next.key).not.toBe(old.key);
      expect(next.apiKey).toMatchObject({ name: 'to roll', scopes: ['reports:read'] });
      expect(await verifyThroughCore(store(), pepper, old.key)).toMatchObject({ code: 'invalid_token' });
      expect(await verifyThroughCore(store(), pepper, next.key)).toEqual({
        subject: owner,
        scopes: ['reports:read'],
      });

      const twice = await runCli(['apikey', 'roll', '--owner', owner, '--id', old.apiKey.id], { env: env() });
      expect(twice.code).toBe(1);
      expect(twice.stderr).toMatch(/\[(conflict|not_found)\]/);
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses bad input before writing anything, and never echoes the pepper',
    async () => {
      const count = async () =>
        (await runCli(['apikey', 'list', '--owner', owner, '--json'], { env: env() })).json<{
          keys: unknown[];
        }>().keys.length;
      const before = await count();

      const badScope = await runCli(['apikey', 'create', '--owner', owner, '--name', 'x', '--scope', 'a"b'], {
        env: env(),
      });
      expect(badScope.code).toBe(1);
      expect(badScope.stderr).toContain('[invalid_request]');
      const badExpiry = await runCli(
        ['apikey', 'create', '--owner', owner, '--name', 'x', '--expires-in', 'soon'],
        {
          env: env(),
        },
      );
      expect(badExpiry.code).toBe(2);
      const noName = await runCli(['apikey', 'create', '--owner', owner], { env: env() });
      expect(noName.code).toBe(2);
      const unknown = await runCli(['apikey', 'revoke', '--owner', owner, '--id', 'AAAAAAAAAAAA'], {
        env: env(),
      });
      expect(unknown.code).toBe(1);
      expect(unknown.stderr).toContain('[not_found]');
      expect(await count()).toBe(before);

      const missing = await runCli(['apikey', 'list', '--owner', owner], { env: store().env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('API_KEY_PEPPER');
      const weakPepper = 'changeme-changeme-changeme-changeme';
      const weak = await runCli(['apikey', 'list', '--owner', owner], {
        env: { ...store().env, API_KEY_PEPPER: weakPepper },
      });
      expect(weak.code).toBe(1);
      expect(weak.stderr).toContain('[invalid_secret]');
      for (const run of [badScope, badExpiry, noName, unknown, missing, weak])
        expect(run.stdout + run.stderr).not.toContain(pepper);
      expect(weak.stderr).not.toContain(weakPepper);
    },
    CLI_TEST_TIMEOUT,
  );
});
