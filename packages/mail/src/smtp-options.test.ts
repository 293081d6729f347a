import { describe, expect, it } from 'vitest';
import { createSmtpMailer } from './smtp-mailer.js';
import { resolveSmtpOptions, type SmtpMailerOptions } from './smtp-options.js';
import { expectNoSecrets, PASSWORD } from './testing/messages.js';

const FROM = 'portcullis demo <no-reply@localhost>';
const SECRET_URL_PASSWORD = encodeURIComponent(PASSWORD);

/** The TypeError `createSmtpMailer(options)` throws, checked to hold no password. */
function refusal(options: Partial<SmtpMailerOptions>): TypeError {
  let thrown: unknown;
  try {
    createSmtpMailer({ url: 'smtp://127.0.0.1:2525', from: FROM, ...options } as SmtpMailerOptions);
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(TypeError);
  expectNoSecrets(thrown);
  expect((thrown as TypeError).cause).toBeUndefined();
  return thrown as TypeError;
}

describe('createSmtpMailer options: url', () => {
  it('reads host, port, TLS mode and percent-decoded credentials', () => {
    expect(
      resolveSmtpOptions({
        url: `smtp://user%40example.com:${SECRET_URL_PASSWORD}@mail.example.com`,
        from: FROM,
      }).endpoint,
    ).toEqual({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      auth: { user: 'user@example.com', pass: PASSWORD },
    });
    expect(resolveSmtpOptions({ url: 'smtps://mail.example.com', from: FROM }).endpoint).toEqual({
      host: 'mail.example.com',
      port: 465,
      secure: true,
      auth: undefined,
    });
    expect(resolveSmtpOptions({ url: 'smtp://[::1]:2525/', from: FROM }).endpoint).toMatchObject({
      host: '::1',
      port: 2525,
    });
  });

  it('refuses other schemes, malformed URLs, queries and half credentials without echoing the URL', () => {
    const cases: [string, RegExp][] = [
      [`http://mailbot:${SECRET_URL_PASSWORD}@mail.example.com`, /smtp: or smtps: scheme/],
      [`smtp://mailbot:${SECRET_URL_PASSWORD}@mail.example.com:99999`, /not a valid URL/],
      [`smtp://mailbot:${PASSWORD}@mail.example.com`, /path, query or fragment|not a valid URL/],
      [`smtp://mailbot:${SECRET_URL_PASSWORD}@mail.example.com/?pool=true`, /path, query or fragment/],
      [`smtp://mailbot:${SECRET_URL_PASSWORD}@mail.example.com/inbox`, /path, query or fragment/],
      [`smtp://:${SECRET_URL_PASSWORD}@mail.example.com`, /both a user name and a password/],
      ['smtp://mailbot@mail.example.com', /both a user name and a password/],
      [`smtp://mailbot:${SECRET_URL_PASSWORD}%ZZ@mail.example.com`, /malformed percent-encoding/],
      [`smtp:mailbot:${SECRET_URL_PASSWORD}`, /path, query or fragment/],
      ['smtp://', /no host/],
    ];
    for (const [url, message] of cases) {
      const error = refusal({ url });
      expect(error.message).toMatch(message);
      expect(error.message).toMatch(/^portcullis: createSmtpMailer\.url: /);
      expect(error.message).not.toContain('mailbot');
    }
    expect(refusal({ url: 42 as unknown as string }).message).toMatch(
      /^portcullis: createSmtpMailer\.url: must be a string/,
    );
  });
});

describe('createSmtpMailer options: the rest', () => {
  it('refuses a `from` that is not exactly one mailbox', () => {
    for (const from of [
      '',
      'no-reply',
      'a@example.com, b@example.com',
      'team: a@example.com;',
      'Name <a@example.com>\r\nBcc: b@example.com',
      42,
    ]) {
      expect(refusal({ from: from as string }).message).toMatch(
        /^portcullis: createSmtpMailer\.from: must be exactly one e-mail address/,
      );
    }
  });

  it('fills in safe defaults', () => {
    const options = resolveSmtpOptions({ url: 'smtp://mail.example.com', from: FROM });
    expect(options.timeouts).toEqual({
      connectMs: 10_000,
      greetingMs: 10_000,
      socketMs: 10_000,
      sendMs: 30_000,
    });
    expect(options.tls).toEqual({ requireStartTls: true, rejectUnauthorized: true });
    expect(options.pool).toBeUndefined();
    expect(resolveSmtpOptions({ url: 'smtp://mail.example.com', from: FROM, pool: true }).pool).toEqual({
      maxConnections: 5,
      maxMessages: 100,
    });
  });

  it('requires STARTTLS by default except on a loopback host', () => {
    const requireStartTls = (url: string) => resolveSmtpOptions({ url, from: FROM }).tls.requireStartTls;
    expect(requireStartTls('smtp://localhost:1025')).toBe(false);
    expect(requireStartTls('smtp://127.0.0.1:1025')).toBe(false);
    expect(requireStartTls('smtp://[::1]:1025')).toBe(false);
    expect(requireStartTls('smtp://10.0.0.7:25')).toBe(true);
    expect(requireStartTls('smtp://localhost.example.com')).toBe(true);
    expect(
      resolveSmtpOptions({ url: 'smtp://smtp.example.com', from: FROM, tls: { requireStartTls: false } }).tls
        .requireStartTls,
    ).toBe(false);
  });

  it('refuses timeouts, pool sizes and flags out of range, naming the option', () => {
    expect(refusal({ timeouts: { greetingMs: 0 } }).message).toMatch(
      /^portcullis: createSmtpMailer\.timeouts\.greetingMs: must be an integer/,
    );
    expect(refusal({ timeouts: { sendMs: Number.POSITIVE_INFINITY } }).message).toMatch(
      /^portcullis: createSmtpMailer\.timeouts\.sendMs: must be/,
    );
    expect(refusal({ timeouts: { socketMs: 600_001 } }).message).toMatch(
      /^portcullis: createSmtpMailer\.timeouts\.socketMs: must be/,
    );
    expect(refusal({ timeouts: { connectMs: 1.5 } }).message).toMatch(
      /^portcullis: createSmtpMailer\.timeouts\.connectMs: must be/,
    );
    expect(refusal({ pool: { maxConnections: 0 } }).message).toMatch(
      /^portcullis: createSmtpMailer\.pool\.maxConnections: must be/,
    );
    expect(refusal({ pool: { maxMessages: -1 } }).message).toMatch(
      /^portcullis: createSmtpMailer\.pool\.maxMessages: must be/,
    );
    expect(refusal({ pool: 'yes' as unknown as boolean }).message).toMatch(
      /^portcullis: createSmtpMailer\.pool: must be a boolean or an object/,
    );
    expect(refusal({ tls: { rejectUnauthorized: 'no' as unknown as boolean } }).message).toMatch(
      /^portcullis: createSmtpMailer\.tls\.rejectUnauthorized: must be a boolean/,
    );
  });
});
