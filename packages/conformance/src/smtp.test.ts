// SMTP_URL and NODE_ENV=production against every demo as a real process: with SMTP_URL set, account mail
// goes to a real SMTP server (smtp-server) as the URL's user, from MAIL_FROM, and no outbox file is written;
// in production without it, the app refuses to start — and a refused SMTP_URL is never echoed.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The SMTP server @portcullis/mail's own tests use (a test helper, not part of any published package).
import { startSmtpServer, type TestSmtpServer } from '../../mail/src/testing/smtp-server.js';
import { createClient, secret } from './client.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';
import { freshPassword, sleep } from './fixtures.js';

const SMTP_USER = 'demo-mailer';
const SMTP_PASS = secret('smtp-pass-' + Math.random().toString(36).slice(2, 12));

describe.each(FRAMEWORKS)('account mail on the %s demo', (framework) => {
  let smtp: TestSmtpServer;
  let app: DemoProcess;

  beforeAll(async () => {
    smtp = await startSmtpServer({ auth: { user: SMTP_USER, pass: SMTP_PASS } });
    app = await startDemo(framework, {
      SMTP_URL: smtp.url({ user: SMTP_USER, pass: SMTP_PASS }),
      MAIL_FROM: 'SMTP Demo <smtp-demo@example.com>',
    });
  }, 90_000);

  afterAll(async () => {
    await app?.stop();
    await smtp?.close();
  });

  it('with SMTP_URL: sends over SMTP as its user, from MAIL_FROM, with a working link; writes no outbox; never prints the password', async () => {
    const http = createClient(app.url);
    const address = `smtp-${framework}@example.com`;
    expect(
      (await http('POST', '/auth/register', { body: { email: address, password: freshPassword() } })).status,
    ).toBe(201);
    for (let waited = 0; smtp.received.length === 0 && waited < 10_000; waited += 50) await sleep(50);
    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.user).toBe(SMTP_USER);
    expect(mail!.mailFrom).toBe('smtp-demo@example.com');
    expect(mail!.rcptTo).toEqual([address]);
    expect(mail!.parsed.from?.value[0]).toMatchObject({
      name: 'SMTP Demo',
      address: 'smtp-demo@example.com',
    });
    expect(mail!.parsed.text).toBeTruthy();
    expect(mail!.parsed.html).toBeTruthy();
    const token = /#verify-email=([A-Za-z0-9_-]{43})\b/.exec(mail!.parsed.text ?? '')?.[1];
    expect(token).toBeDefined();
    expect((await http('POST', '/auth/verify-email', { body: { token: secret(token) } })).status).toBe(200);

    expect(existsSync(join(app.dataDir, 'outbox'))).toBe(false);
    expect(app.output()).toContain(`SMTP via 127.0.0.1:${smtp.port}`);
    expect(app.output()).not.toContain(SMTP_PASS);
    expect(app.output()).not.toContain(token!);
  });

  it('NODE_ENV=production: refuses to start without SMTP_URL, and never echoes a refused SMTP_URL', async () => {
    const refusal = (env: Record<string, string>) =>
      startDemo(framework, { NODE_ENV: 'production', ...env }, 30_000).then(
        async (started) => {
          await started.stop();
          throw new Error('the demo started');
        },
        (error: Error) => error.message,
      );
    expect(await refusal({})).toContain('SMTP_URL is required when NODE_ENV=production');
    const echoed = await refusal({ SMTP_URL: `http://${SMTP_USER}:${SMTP_PASS}@127.0.0.1:25` });
    expect(echoed).toContain('SMTP_URL must start with smtp:// or smtps://');
    expect(echoed).not.toContain(SMTP_PASS);
  }, 60_000);
});
