import type { MailMessage } from '@portcullis/core';
import { optionError } from '@portcullis/core/adapter';
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
    throw optionError('send(message)', 'must be an object', 'pass { to, kind, subject, text, html }');
  }
  if (!isSingleMailbox(message.to)) {
    throw optionError(
      'send(message).to',
      'must be exactly one e-mail address',
      'send one message per recipient',
    );
  }
  if (typeof message.kind !== 'string' || !KIND.test(message.kind)) {
    throw optionError(
      'send(message).kind',
      'must be a lower-case identifier of at most 40 characters',
      'use letters, digits and underscores, such as verify_email',
    );
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: a line break in a subject would end the header.
  if (typeof message.subject !== 'string' || /[\r\n\u0000]/.test(message.subject)) {
    throw optionError('send(message).subject', 'must be a string on one line', 'remove the line breaks');
  }
  for (const part of ['text', 'html'] as const) {
    const value = message[part];
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_PART_LENGTH) {
      throw optionError(
        `send(message).${part}`,
        `must be a non-empty string of at most ${MAX_PART_LENGTH} characters`,
        'send both a text and an HTML part, each within the limit',
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
