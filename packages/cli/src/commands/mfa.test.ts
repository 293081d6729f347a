import { expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { describeOnStores } from '../testing/stores.js';

describeOnStores('mfa reset', (store) => {
  it(
    "removes every second factor of the user and no one else's; a second run reports none",
    async () => {
      const opened = await store().open();
      const factors = JSON.stringify({ v: 1, totp: null, recoveryCodes: ['h1', 'h2'], passkeys: [] });
      try {
        expect(await opened.mfa.saveFactors('user-1', factors, 0, Date.now())).toBe(true);
        expect(await opened.mfa.saveFactors('user-2', factors, 0, Date.now())).toBe(true);
      } finally {
        await opened.close();
      }
      const reset = await runCli(['mfa', 'reset', '--user', 'user-1', '--json'], { env: store().env });
      expect(reset.code, reset.stderr).toBe(0);
      expect(reset.json<{ user: string; removed: boolean }>()).toMatchObject({
        user: 'user-1',
        removed: true,
      });
      const again = await runCli(['mfa', 'reset', '--user', 'user-1'], { env: store().env });
      expect([again.code, again.stdout.trim()]).toEqual([0, 'user user-1 had no second factor']);

      const check = await store().open();
      try {
        expect(await check.mfa.getFactors('user-1')).toBeNull();
        expect(await check.mfa.getFactors('user-2')).not.toBeNull();
      } finally {
        await check.close();
      }
    },
    CLI_TEST_TIMEOUT,
  );

  it(
    'refuses a missing --user as a usage error, before opening the store',
    async () => {
      const run = await runCli(['mfa', 'reset'], { env: store().env });
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('--user');
    },
    CLI_TEST_TIMEOUT,
  );
});
