import { createPasswordHasher } from '@portcullis/core/passwords';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';

describe('password hash', { timeout: CLI_TEST_TIMEOUT }, () => {
  const password = 'correct horse battery staple 42';

  it("hashes the password on stdin with argon2id, and core's hasher verifies it", async () => {
    const run = await runCli(['password', 'hash'], { stdin: `${password}\n` });
    expect(run.code, run.stderr).toBe(0);
    const hash = run.stdout.trim();
    expect(hash).toMatch(/^\$argon2id\$v=19\$/);
    expect(run.stdout + run.stderr).not.toContain(password);
    const hasher = createPasswordHasher();
    expect((await hasher.verify(hash, password)).valid).toBe(true);
    expect((await hasher.verify(hash, `${password}\n`)).valid).toBe(false);
    expect((await hasher.verify(hash, 'another password entirely')).valid).toBe(false);
  });

  it('refuses a password given as an argument, without repeating it', async () => {
    const run = await runCli(['password', 'hash', 'hunter2-on-argv'], { stdin: password });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('[secret_on_argv]');
    expect(run.stderr).toContain('standard input');
    expect(run.stdout + run.stderr).not.toContain('hunter2-on-argv');
    expect(run.stdout).toBe('');
  });

  it('refuses a weak password (exit 1) and an empty stdin (exit 2); --json parses', async () => {
    const weak = await runCli(['password', 'hash', '--json'], { stdin: 'password' });
    expect(weak.code).toBe(1);
    expect(weak.json()).toMatchObject({ ok: false, error: { code: 'weak_password' } });
    const empty = await runCli(['password', 'hash']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('[missing_secret]');
    const json = await runCli(['password', 'hash', '--json'], { stdin: password });
    expect(json.json<{ ok: boolean; hash: string }>()).toMatchObject({
      ok: true,
      hash: expect.stringMatching(/^\$argon2id\$/),
    });
  });
});
