// Test helper for the account-flow tests; not part of the package's public API (excluded from `files`).
// Core cannot reach an SMTP server (that is @portcullis/mail's job, tested against a real one): here the
// messages are kept in memory, and their links read back.
import type { Mailer, MailKind, MailMessage } from '../mail/mailer.js';

export interface TestMailer extends Mailer {
  readonly sent: MailMessage[];
  /** Makes the next sends fail, as an unreachable SMTP server would. */
  failing: boolean;
  /** The one-time token of the newest message of `kind` to `to` (from its link's fragment). */
  tokenFor(to: string, kind: MailKind): string | undefined;
}

const FRAGMENT = /#(?:verify-email|reset-password)=([A-Za-z0-9_-]{43})\b/;

export function createTestMailer(): TestMailer {
  const sent: MailMessage[] = [];
  const mailer: TestMailer = {
    sent,
    failing: false,
    async send(message) {
      if (mailer.failing) throw new Error('connect ECONNREFUSED 127.0.0.1:2525');
      sent.push(message);
    },
    tokenFor(to, kind) {
      const message = sent.findLast((m) => m.to === to && m.kind === kind);
      return message === undefined ? undefined : FRAGMENT.exec(message.text)?.[1];
    },
  };
  return mailer;
}
