import type { MailKind } from '../mail/mailer.js';
import type { AuthParts } from './auth-parts.js';

/**
 * Sends a mail whose failure must not undo what the request did (an account created, a password changed):
 * a failure becomes a `mail.failed` event for the audit log, and the user can ask again (resend, forgot).
 * Resolves whether the mail went out.
 */
export async function sendBestEffort(
  parts: AuthParts,
  kind: MailKind,
  subject: string,
  send: () => Promise<void>,
): Promise<boolean> {
  try {
    await send();
    return true;
  } catch (error) {
    parts.emit({ type: 'mail.failed', kind, subject, name: (error as Error)?.name ?? 'unknown' });
    return false;
  }
}
