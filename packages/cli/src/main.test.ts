import { describe, expect, it } from 'vitest';
import { COMMANDS } from './commands.js';
import { CLI_TEST_TIMEOUT, runCli } from './testing/run-cli.js';

describe('portcullis', { timeout: CLI_TEST_TIMEOUT }, () => {
  it('--help lists every command, the store selection and the exit codes', async () => {
    const run = await runCli(['--help']);
    expect(run.code).toBe(0);
    for (const command of COMMANDS)
      expect(run.stdout).toContain(`${command.group} ${command.name ?? ''}`.trim());
    for (const line of ['0  done', '1  refused', '2  usage', '3  unreachable', '4  unexpected'])
      expect(run.stdout).toContain(line);
    expect(run.stdout).toContain('DATABASE_URL');
  });

  it('shows help per command', async () => {
    const run = await runCli(['apikey', 'create', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('--owner ID --name NAME');
    expect(run.stdout).toContain('API_KEY_PEPPER');
  });

  it('exits 2 on no command, an unknown command or flag, never repeating what was typed', async () => {
    const none = await runCli([]);
    expect(none.code).toBe(2);
    const unknown = await runCli(['password', 'typed-secret-here']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('expected one of: hash');
    expect(unknown.stderr).not.toContain('typed-secret-here');
    const flag = await runCli(['secret', 'generate', '--password=flag-secret-value', '--json']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown flag --password');
    expect(flag.stdout + flag.stderr).not.toContain('flag-secret-value');
    expect(flag.json()).toEqual({
      ok: false,
      error: { code: 'usage', message: expect.stringContaining('--password') },
    });
    const argument = await runCli(['kek', 'generate', 'extra']);
    expect(argument.code).toBe(2);
    expect(argument.stderr).not.toContain('extra');
  });
});
