/** Which account flow a message belongs to. */
export type MailKind = 'verify_email' | 'reset_password' | 'password_changed';

/** The words of a message: a subject, a plain-text part and an HTML part. */
export interface MailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * One message, ready to deliver. Portcullis builds it (see `MailTemplates`); a `Mailer` delivers it. It
 * never holds a password, access token or refresh token; a one-time token appears only in a link's
 * fragment (`#verify-email=…`).
 */
export interface MailMessage extends MailContent {
  readonly to: string;
  readonly kind: MailKind;
}

/**
 * Delivers account mail. The sender address is the mailer's own setting. `send` resolves once the message
 * is accepted for delivery (by an SMTP server, or written to an outbox) and rejects otherwise; it must never
 * put the message's text into an error or a log line, since the text carries a one-time link.
 *
 * `@portcullis/mail` has an SMTP mailer (nodemailer) and a development outbox that writes `.eml` files.
 *
 * @example const mailer: Mailer = { send: async (message) => queue.push(message) };
 */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}
