import { optionError } from '../lib/option-error.js';
import type { Mailer, MailKind, MailMessage } from './mailer.js';

/** A `Mailer` that keeps what it is given, for tests and examples. */
export interface MemoryMailer extends Mailer {
  /** The messages sent so far, oldest first (at most `maxMessages`: older ones are dropped). */
  readonly messages: readonly MailMessage[];
  /** The one-time token in the link of the newest message of `kind` to `to`, read from its fragment. */
  linkToken(to: string, kind: MailKind): string | undefined;
}

// The fragment portcullis puts a one-time token in: `#verify-email=<43 base64url characters>`.
const LINK_TOKEN = /#(?:verify-email|reset-password)=([A-Za-z0-9_-]{43})(?![A-Za-z0-9_-])/;

/**
 * A mailer that delivers nothing and keeps every message in memory, bounded, so that a test can follow a
 * verification or reset link as a user would from their inbox.
 *
 * @example
 * const mailer = createMemoryMailer();
 * const auth = await createAuth({ …, registration: 'open', mail: { mailer } });
 * const token = mailer.linkToken('alice@example.com', 'verify_email');
 */
export function createMemoryMailer(options: { maxMessages?: number } = {}): MemoryMailer {
  const maxMessages = options.maxMessages ?? 1000;
  if (!Number.isSafeInteger(maxMessages) || maxMessages < 1)
    throw optionError('createMemoryMailer.maxMessages', 'must be a whole number ≥ 1', 'omit it for 1000');
  const messages: MailMessage[] = [];
  return {
    messages,
    async send(message) {
      messages.push(message);
      if (messages.length > maxMessages) messages.shift();
    },
    linkToken(to, kind) {
      for (let i = messages.length - 1; i >= 0; i--) {
        const message = messages[i]!;
        if (message.to === to && message.kind === kind) return LINK_TOKEN.exec(message.text)?.[1];
      }
      return undefined;
    },
  };
}
