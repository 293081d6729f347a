import { inspect } from 'node:util';
import type { MailMessage } from '@portcullis/core';
import { expect } from 'vitest';

/** A token as account flows make them: 32 random bytes, base64url, 43 characters. */
export const TOKEN = 'Zk9xN2JtUlVhM0x3cTVYc0p0d0VqY2hQb0RMZ3V4aUs';

export const LINK = `http://127.0.0.1:3000/#verify-email=${TOKEN}`;

/** An SMTP password with characters that need percent-encoding in a URL. */
export const PASSWORD = 'pä$$ w:rd/@#?';

/** A verification message with non-ASCII in the name, subject and body. */
export function verificationMessage(overrides: Partial<MailMessage> = {}): MailMessage {
  return {
    to: 'Zoë Ångström <zoe@example.com>',
    kind: 'verify_email',
    subject: 'Bestätige deine Adresse, Zoë',
    text: `Hallo Zoë,\n\nbitte öffne diesen Link:\n\n${LINK}\n`,
    html: `<!doctype html><html><body><p>Hallo Zoë,</p><p><a href="${LINK}">Adresse bestätigen ✓</a></p></body></html>`,
    ...overrides,
  };
}

/**
 * Asserts that nothing of `error` — message, stack, own properties, cause — holds the token, the link or
 * the SMTP password (raw or percent-encoded).
 */
export function expectNoSecrets(error: unknown): void {
  const everything = `${inspect(error, { depth: 10, showHidden: true })}\n${JSON.stringify(error)}\n${String(
    (error as Error | undefined)?.stack,
  )}`;
  for (const secret of [TOKEN, PASSWORD, encodeURIComponent(PASSWORD), 'bitte öffne', 'Adresse bestätigen']) {
    expect(everything).not.toContain(secret);
  }
}
