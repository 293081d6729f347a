import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';

describe('secret generate and check', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('generates 32 random bytes as base64url, which check accepts', async () => {
    const [a, b] = await Promise.all([
      runCli(['secret', 'generate']),
      runCli(['secret', 'generate', '--json']),
    ]);
    expect(a.code).toBe(0);
    const secret = a.stdout.trim();
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(b.json<{ secret: string; bytes: number }>()).toMatchObject({ bytes: 32 });
    expect(b.json<{ secret: string }>().secret).not.toBe(secret);

    const check = await runCli(['secret', 'check', '--json'], { stdin: `${secret}\n` });
    expect(check.code, check.stderr).toBe(0);
    expect(check.json()).toEqual({ ok: true, accepted: true, for: 'hmac', bytes: 43 });
    expect(check.stdout + check.stderr).not.toContain(secret);
    const asKek = await runCli(['secret', 'check', '--for', 'kek'], { stdin: secret });
    expect(asKek.code, asKek.stderr).toBe(0);
  });

  it('refuses placeholders, short and patterned secrets with exit 1, never echoing them', async () => {
    for (const weak of [
      'changeme',
      'secretsecretsecretsecretsecretsecret',
      'abababababababababababababababababab',
    ]) {
      const run = await runCli(['secret', 'check', '--json'], { stdin: weak });
      expect(run.code).toBe(1);
      expect(run.json()).toMatchObject({ ok: false, error: { code: 'invalid_secret', accepted: false } });
      expect(run.stdout + run.stderr).not.toContain(weak);
    }
    // 32 random bytes in hex are a fine HMAC secret but not a KEK (which is base64url of exactly 32 bytes).
    const hex = 'f3a9c1d27e5b4a6f8091b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f607';
    expect((await runCli(['secret', 'check'], { stdin: hex })).code).toBe(0);
    const kek = await runCli(['secret', 'check', '--for', 'kek'], { stdin: hex });
    expect(kek.code).toBe(1);
    expect(kek.stderr).not.toContain(hex);
  });

  it('refuses a secret on argv and bad flag values with exit 2', async () => {
    const argv = await runCli(['secret', 'check', 'on-the-command-line']);
    expect(argv.code).toBe(2);
    expect(argv.stderr).not.toContain('on-the-command-line');
    expect((await runCli(['secret', 'generate', '--bytes', '16'])).code).toBe(2);
    expect((await runCli(['secret', 'check', '--for', 'rsa'], { stdin: 'x' })).code).toBe(2);
  });
});
