import type { MailMessage } from '@portcullis/core';
import type { SendMailOptions } from 'nodemailer';
import { isSingleMailbox } from './address.js';

// A kind ends up in file names (the outbox) and error messages: letters, digits and underscores only.
const KIND = /^[a-z][a-z0-9_]{0,39}$/;

/** Largest text or HTML part accepted, in characters: account mail is a few hundred. */
const MAX_PART_LENGTH = 1_000_000;

/**
 * Checks a message before anything is sent, and throws a `TypeError` naming the field that is wrong. The
 * error never quotes a field: the text and HTML carry a one-time link.
 */
export function assertMailMessage(message: MailMessage): void {
  if (typeof message !== 'object' || message === null) {
    throw new TypeError('@portcullis/mail: a message must be an object');
  }
  if (!isSingleMailbox(message.to)) {
    throw new TypeError('@portcullis/mail: message `to` must be exactly one e-mail address');
  }
  if (typeof message.kind !== 'string' || !KIND.test(message.kind)) {
    throw new TypeError(
      '@portcullis/mail: message `kind` must be a lower-case identifier (e.g. verify_email)',
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break in a subject would end the header.
  if (typeof message.subject !== 'string' || /[\r\n\u0000]/.test(message.subject)) {
    throw new TypeError('@portcullis/mail: message `subject` must be a string on one line');
  }
  for (const part of ['text', 'html'] as const) {
    const value = message[part];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PART_LENGTH) {
      throw new TypeError(
        `@portcullis/mail: message \`${part}\` must be a non-empty string of at most ${MAX_PART_LENGTH} characters`,
      );
    }
  }
}

/**
 * The nodemailer message for a portcullis message, the same for the SMTP mailer and the outbox: a
 * multipart/alternative with the text and HTML parts, and `Auto-Submitted: auto-generated` (RFC 3834) so
 * that vacation responders do not answer it.
 */
export function toNodemailerMessage(message: MailMessage, from: string): SendMailOptions {
  return {
    from,
    to: message.to,
    subject: message.subject,
    text: message.text,
    html: message.html,
    headers: { 'Auto-Submitted': 'auto-generated' },
  };
}
