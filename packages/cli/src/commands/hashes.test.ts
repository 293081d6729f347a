import { createPasswordHasher } from '@portcullis/core/passwords';
import { describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';

// crypt_blowfish's published test vector: bcrypt("U*U") at cost 5.
const BCRYPT = '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
const PASSWORD = 'U*U';
// crypt_blowfish's buggy $2x$ variant is never wrapped: such accounts need a reset.
const BUGGY = '$2x$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

describe('hashes wrap-bcrypt', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('wraps bcrypt hashes in argon2id that still verify the password; others are passed over', async () => {
    const argon2 = await createPasswordHasher().hash('an argon2 user password');
    const input = [
      { id: 'legacy', passwordHash: BCRYPT },
      { id: 'modern', passwordHash: argon2 },
      { id: 'oauth-only', passwordHash: null },
      { id: 'buggy', passwordHash: BUGGY },
    ]
      .map((user) => JSON.stringify(user))
      .join('\n');

    const run = await runCli(['hashes', 'wrap-bcrypt'], { stdin: `${input}\n` });
    expect(run.code, run.stderr).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const wrapped = JSON.parse(lines[0]!) as { id: string; passwordHash: string };
    expect(wrapped.id).toBe('legacy');
    expect(wrapped.passwordHash).toMatch(/^\$argon2id-bcrypt\$2a\$05\$/);
    expect(wrapped.passwordHash).not.toContain(BCRYPT.slice(-31)); // the bcrypt digest is only inside argon2id
    expect(run.stderr).toContain('wrapped 1, passed over 2, refused 1 (need a password reset: buggy)');

    const hasher = createPasswordHasher({ bcrypt: { minCost: 4 } });
    expect((await hasher.verify(wrapped.passwordHash, PASSWORD)).valid).toBe(true);
    expect((await hasher.verify(wrapped.passwordHash, 'U*V')).valid).toBe(false);

    const json = await runCli(['hashes', 'wrap-bcrypt', '--json'], { stdin: input });
    expect(json.json()).toMatchObject({
      ok: true,
      wrapped: 1,
      passedOver: 2,
      refused: 1,
      refusedIds: ['buggy'],
    });
  });

  it('refuses malformed input before writing anything, without quoting it', async () => {
    const input = `${JSON.stringify({ id: 'a', passwordHash: BCRYPT })}\n{"id": "b", "passwordHash": 42}\n`;
    const run = await runCli(['hashes', 'wrap-bcrypt'], { stdin: input });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('line 2');
    expect(run.stderr).not.toContain('CCCC');
  });
});
