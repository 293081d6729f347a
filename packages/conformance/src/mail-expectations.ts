import { expect } from 'vitest';
import { secret, secretsSeen } from './client.js';
import type { Mail, MailKind } from './outbox.js';

/**
 * What the contract's "Mail" section asks of every message: from MAIL_FROM, a plain-text and an HTML part,
 * no password, access or refresh token (nor any other secret the suite handled), and a one-time token only
 * in a link's fragment: `<APP_ORIGIN>/#<kind>=<token>`, in both parts, with no query string. The token is
 * then remembered as a secret, so that the log test looks for it too.
 */
export function expectContractMail(
  mail: Mail,
  expected: { to: string; kind: MailKind; from: { name: string; address: string }; origin: string },
) {
  expect(mail.to.toLowerCase()).toBe(expected.to.toLowerCase());
  expect(mail.from).toEqual(expected.from);
  expect(mail.subject.trim()).not.toBe('');
  expect(mail.text.trim()).not.toBe('');
  expect(mail.html.trim()).not.toBe('');
  expect(mail.kind).toBe(expected.kind);

  const token = mail.token;
  if (expected.kind === 'notice') {
    expect(token).toBeUndefined();
  } else {
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    secret(token);
    const link = `${expected.origin}/#${expected.kind}=${token}`;
    expect(mail.links).toContain(link);
    expect(mail.hrefs).toContain(link);
    for (const url of [...mail.links, ...mail.hrefs]) {
      expect(url).not.toContain('?');
      // The token only ever after the '#': never in a path or query a server or a Referer would see.
      expect(url.split('#')[0]).not.toContain(token!);
    }
    const headers = mail.raw.slice(0, mail.raw.search(/\r?\n\r?\n/));
    expect(headers).not.toContain(token!);
  }
  const content = `${mail.subject}\n${mail.text}\n${mail.html}\n${mail.raw}`;
  const leaked = [...secretsSeen].filter((value) => value !== token && content.includes(value));
  expect(leaked).toEqual([]);
}
