import type { Mailer, MailMessage } from '@portcullis/core';
import { createTransport, type SMTPTransportOptions } from 'nodemailer';
import { MailDeliveryError } from './errors.js';
import { assertMailMessage, toNodemailerMessage } from './message.js';
import { toDeliveryError } from './smtp-errors.js';
import { type ResolvedSmtpOptions, resolveSmtpOptions, type SmtpMailerOptions } from './smtp-options.js';

/** A `Mailer` that delivers over SMTP. */
export interface SmtpMailer extends Mailer {
  /**
   * Resolves once the server has accepted the message for its one recipient; rejects with a
   * `MailDeliveryError` (connection refused, timeout, authentication failed, recipient rejected, …) that
   * holds neither the message's text nor the server's credentials, or with a `TypeError` for a malformed
   * message (several recipients, a line break in the subject).
   */
  send(message: MailMessage): Promise<void>;
  /**
   * Connects and authenticates without sending anything, e.g. at start-up, and rejects like `send`.
   */
  verify(): Promise<void>;
  /** Closes pooled connections; later sends reject with kind `closed`. Harmless without a pool. */
  close(): Promise<void>;
}

function transportOptions({ endpoint, timeouts, tls }: ResolvedSmtpOptions): SMTPTransportOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    ...(endpoint.auth === undefined ? {} : { auth: { user: endpoint.auth.user, pass: endpoint.auth.pass } }),
    requireTLS: !endpoint.secure && tls.requireStartTls,
    tls: { rejectUnauthorized: tls.rejectUnauthorized },
    connectionTimeout: timeouts.connectMs,
    greetingTimeout: timeouts.greetingMs,
    socketTimeout: timeouts.socketMs,
    dnsTimeout: timeouts.connectMs,
    // nodemailer's logger would print the conversation, message included.
    logger: false,
    debug: false,
    // Content is always given inline; never let a message make the mailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
    maxRecipients: 1,
  };
}

/**
 * A `Mailer` that hands each message to an SMTP server through nodemailer: a multipart/alternative with the
 * text and HTML parts, from `from`, to the message's one recipient. Options are validated here, with a
 * `TypeError` naming the option (and never quoting the URL, which may hold a password). Every step has a
 * timeout, so a dead or stalled server makes `send` reject instead of hang.
 *
 * @example
 * const mailer = createSmtpMailer({
 *   url: process.env.SMTP_URL!, // smtp://user:password@smtp.example.com:587
 *   from: 'Example <no-reply@example.com>',
 *   pool: true,
 * });
 * await mailer.verify(); // fail at start-up rather than at the first sign-up
 */
export function createSmtpMailer(options: SmtpMailerOptions): SmtpMailer {
  const resolved = resolveSmtpOptions(options);
  const { endpoint, from, timeouts, pool } = resolved;
  const target = `SMTP server ${endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host}:${endpoint.port}`;
  const base = transportOptions(resolved);
  const transporter =
    pool === undefined
      ? createTransport(base)
      : createTransport({
          ...base,
          pool: true,
          maxConnections: pool.maxConnections,
          maxMessages: pool.maxMessages,
        });
  // Failures reach the caller as rejected sends; an 'error' event without a listener would crash the process.
  transporter.on('error', () => undefined);
  let closed = false;

  return {
    async send(message) {
      assertMailMessage(message);
      if (closed) throw new MailDeliveryError('closed', { target, mailKind: message.kind });
      let rejected: number;
      try {
        const info = await transporter.sendMail({
          ...toNodemailerMessage(message, from),
          signal: AbortSignal.timeout(timeouts.sendMs),
        });
        rejected = info.rejected.length + (info.accepted.length === 0 ? 1 : 0);
      } catch (error) {
        throw toDeliveryError(error, { target, mailKind: message.kind });
      }
      // With one recipient nodemailer already rejects when it is refused; this only makes sure of it.
      if (rejected > 0) throw new MailDeliveryError('recipient_rejected', { target, mailKind: message.kind });
    },
    async verify() {
      if (closed) throw new MailDeliveryError('closed', { target });
      try {
        await transporter.verify();
      } catch (error) {
        throw toDeliveryError(error, { target });
      }
    },
    async close() {
      closed = true;
      transporter.close();
    },
  };
}
