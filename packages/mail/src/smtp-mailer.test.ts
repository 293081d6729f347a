import { afterEach, describe, expect, it } from 'vitest';
import { MailDeliveryError } from './errors.js';
import { createSmtpMailer, type SmtpMailer } from './smtp-mailer.js';
import type { SmtpMailerOptions } from './smtp-options.js';
import { expectNoSecrets, LINK, PASSWORD, TOKEN, verificationMessage } from './testing/messages.js';
import { startSilentServer, startSmtpServer, unusedPort } from './testing/smtp-server.js';

const FROM = 'portcullis demo <no-reply@localhost>';
const USER = 'mailer@example.com';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function mailer(options: Omit<SmtpMailerOptions, 'from'> & { from?: string }): SmtpMailer {
  const created = createSmtpMailer({ from: FROM, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function server(...args: Parameters<typeof startSmtpServer>) {
  const started = await startSmtpServer(...args);
  cleanups.push(() => started.close());
  return started;
}

/** The error `promise` rejects with, and how long that took. */
async function rejection(promise: Promise<unknown>): Promise<{ error: MailDeliveryError; ms: number }> {
  const started = performance.now();
  const error = await promise.then(
    () => expect.fail('expected the send to reject'),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(MailDeliveryError);
  expectNoSecrets(error);
  return { error: error as MailDeliveryError, ms: performance.now() - started };
}

describe('createSmtpMailer: delivery', () => {
  it('delivers a text and an HTML part, from `from` to the recipient, with UTF-8 intact', async () => {
    const smtp = await server();
    await mailer({ url: smtp.url() }).send(verificationMessage());

    expect(smtp.received).toHaveLength(1);
    const [mail] = smtp.received;
    expect(mail!.mailFrom).toBe('no-reply@localhost');
    expect(mail!.rcptTo).toEqual(['zoe@example.com']);
    const { parsed } = mail!;
    expect(parsed.from?.value).toEqual([{ name: 'portcullis demo', address: 'no-reply@localhost' }]);
    expect(parsed.to).toMatchObject({ value: [{ name: 'Zoë Ångström', address: 'zoe@example.com' }] });
    expect(parsed.subject).toBe('Bestätige deine Adresse, Zoë');
    expect(parsed.text).toBe(verificationMessage().text);
    expect(parsed.html).toContain(`<a href="${LINK}">Adresse bestätigen ✓</a>`);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
    expect(parsed.headers.get('auto-submitted')).toBe('auto-generated');
    // Non-ASCII never crosses the wire raw: encoded words in headers, a transfer encoding in the body.
    expect([...mail!.raw].every((byte) => byte < 0x80)).toBe(true);
  });

  it('logs in with the credentials of the URL, percent-encoded characters included', async () => {
    const smtp = await server({ auth: { user: USER, pass: PASSWORD } });
    await mailer({ url: smtp.url({ user: USER, pass: PASSWORD }) }).send(verificationMessage());
    expect(smtp.received.map((mail) => mail.user)).toEqual([USER]);
  });

  it('reuses pooled connections, and refuses to send once closed', async () => {
    const smtp = await server();
    const pooled = mailer({ url: smtp.url(), pool: { maxConnections: 2, maxMessages: 10 } });
    await Promise.all(
      Array.from({ length: 6 }, (_, index) =>
        pooled.send(verificationMessage({ subject: `message ${index}` })),
      ),
    );
    expect(smtp.received.map((mail) => mail.parsed.subject).sort()).toEqual(
      Array.from({ length: 6 }, (_, index) => `message ${index}`),
    );
    await pooled.close();
    const { error } = await rejection(pooled.send(verificationMessage()));
    expect(error.kind).toBe('closed');
  });

  it('verify() connects and logs in without sending', async () => {
    const smtp = await server({ auth: { user: USER, pass: PASSWORD } });
    await mailer({ url: smtp.url({ user: USER, pass: PASSWORD }) }).verify();
    expect(smtp.received).toHaveLength(0);
    const { error } = await rejection(mailer({ url: smtp.url({ user: USER, pass: 'wrong' }) }).verify());
    expect(error.kind).toBe('auth_failed');
  });
});

describe('createSmtpMailer: failures reject, name their kind, and hold no secret', () => {
  it('a wrong password: auth_failed', async () => {
    const smtp = await server({ auth: { user: USER, pass: 'the right one' } });
    const { error } = await rejection(
      mailer({ url: smtp.url({ user: USER, pass: PASSWORD }) }).send(verificationMessage()),
    );
    expect(error.kind).toBe('auth_failed');
    expect(error.message).toMatch(/authentication failed/);
    expect(error.responseCode).toBe(535);
    expect(smtp.received).toHaveLength(0);
  });

  it('a refused recipient: recipient_rejected, permanent, with the reply code but not the reply', async () => {
    const smtp = await server({ rejectRecipients: ['zoe@example.com'] });
    const { error } = await rejection(mailer({ url: smtp.url() }).send(verificationMessage()));
    expect(error.kind).toBe('recipient_rejected');
    expect(error.responseCode).toBe(550);
    expect(error.permanent).toBe(true);
    expect(error.message).toBe(
      `@portcullis/mail: could not deliver a verify_email message via SMTP server 127.0.0.1:${smtp.port}: recipient rejected (SMTP 550)`,
    );
    expect(error.message).not.toContain('no such user');
  });

  it('a refused message whose reply quotes the link: message_rejected, the quote dropped', async () => {
    const smtp = await server({
      rejectMessage: (raw) => `Spam: blocked URL ${/http:\/\/[^\s"]+/.exec(raw)?.[0] ?? ''}`,
    });
    const { error } = await rejection(mailer({ url: smtp.url() }).send(verificationMessage()));
    expect(error.kind).toBe('message_rejected');
    expect(error.responseCode).toBe(554);
    expect(error.message).not.toContain('Spam');
  });

  it('nothing listening: connection_refused, at once', async () => {
    const port = await unusedPort();
    const { error, ms } = await rejection(
      mailer({
        url: `smtp://${USER.replace('@', '%40')}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
      }).send(verificationMessage()),
    );
    expect(error.kind).toBe('connection_refused');
    expect(error.message).toContain(`127.0.0.1:${port}: connection refused`);
    expect(ms).toBeLessThan(2000);
  });

  it('a server that accepts the connection but never greets: timeout after greetingMs', async () => {
    const silent = await startSilentServer();
    cleanups.push(() => silent.close());
    const { error, ms } = await rejection(
      mailer({ url: `smtp://127.0.0.1:${silent.port}`, timeouts: { greetingMs: 200 } }).send(
        verificationMessage(),
      ),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/timed out waiting for the greeting/);
    expect(ms).toBeGreaterThanOrEqual(150);
    expect(ms).toBeLessThan(2000);
  });

  it('a server that greets and then falls silent: timeout after socketMs', async () => {
    const mute = await startSilentServer('220 mute.example ESMTP\r\n');
    cleanups.push(() => mute.close());
    const { error, ms } = await rejection(
      mailer({ url: `smtp://127.0.0.1:${mute.port}`, timeouts: { socketMs: 200 } }).send(
        verificationMessage(),
      ),
    );
    expect(error.kind).toBe('timeout');
    expect(ms).toBeLessThan(2000);
  });

  it('sendMs bounds the whole send, whatever the other timeouts', async () => {
    const mute = await startSilentServer('220 mute.example ESMTP\r\n');
    cleanups.push(() => mute.close());
    const { error, ms } = await rejection(
      mailer({
        url: `smtp://127.0.0.1:${mute.port}`,
        timeouts: { greetingMs: 60_000, socketMs: 60_000, sendMs: 300 },
      }).send(verificationMessage()),
    );
    expect(error.kind).toBe('timeout');
    expect(error.message).toMatch(/timeouts\.sendMs/);
    expect(ms).toBeGreaterThanOrEqual(250);
    expect(ms).toBeLessThan(2000);
  });

  it('a message that is not one recipient and one-line subject: a TypeError, nothing sent', async () => {
    const smtp = await server();
    const smtpMailer = mailer({ url: smtp.url() });
    for (const bad of [
      { to: 'zoe@example.com, mallory@example.com' },
      { to: 'friends: zoe@example.com, mallory@example.com;' },
      { to: 'zoe@example.com\r\nBcc: mallory@example.com' },
      { subject: 'Hello\r\nBcc: mallory@example.com' },
      { kind: '../../etc/passwd' as 'verify_email' },
      { text: '' },
    ]) {
      const error = await smtpMailer.send(verificationMessage(bad)).catch((reason: unknown) => reason);
      expect(error).toBeInstanceOf(TypeError);
      expectNoSecrets(error);
      expect(String(error)).not.toContain('mallory');
    }
    expect(smtp.received).toHaveLength(0);
  });
});

describe('createSmtpMailer: TLS', () => {
  it('requireStartTls refuses a server that offers no STARTTLS, before sending the password', async () => {
    const smtp = await server({ auth: { user: USER, pass: PASSWORD } });
    const { error } = await rejection(
      mailer({ url: smtp.url({ user: USER, pass: PASSWORD }), tls: { requireStartTls: true } }).send(
        verificationMessage(),
      ),
    );
    expect(error.kind).toBe('tls_failed');
    expect(smtp.received).toHaveLength(0);
  });

  it('refuses a self-signed certificate unless told otherwise, then sends encrypted', async () => {
    const smtp = await server({ startTls: true });
    const { error } = await rejection(mailer({ url: smtp.url() }).send(verificationMessage()));
    expect(error.kind).toBe('tls_failed');
    expect(smtp.received).toHaveLength(0);

    await mailer({ url: smtp.url(), tls: { rejectUnauthorized: false } }).send(verificationMessage());
    expect(smtp.received.map((mail) => mail.secure)).toEqual([true]);
  });

  it('smtps:// speaks TLS from the first byte', async () => {
    const smtp = await server({ secure: true, auth: { user: USER, pass: PASSWORD } });
    await mailer({ url: smtp.url({ user: USER, pass: PASSWORD }), tls: { rejectUnauthorized: false } }).send(
      verificationMessage(),
    );
    expect(smtp.received.map((mail) => [mail.secure, mail.user])).toEqual([[true, USER]]);
    expect(smtp.received[0]!.parsed.text).toContain(TOKEN);
  });
});
