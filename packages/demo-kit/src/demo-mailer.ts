import type { Mailer } from '@portcullis/core';
import { createOutboxMailer, createSmtpMailer } from '@portcullis/mail';
import type { DemoConfig } from './env.js';

export interface DemoMailer {
  mailer: Mailer;
  /** Where mail goes, for the start-up lines: the outbox directory, or the SMTP host (never its password). */
  delivery: string;
}

/** Host and port of an SMTP URL, checked to be one; the URL itself is never put into an error (it may hold a password). */
function smtpHost(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('SMTP_URL must be a URL such as smtp://user:pass@127.0.0.1:2525');
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:')
    throw new TypeError('SMTP_URL must start with smtp:// or smtps://');
  return parsed.host;
}

/**
 * The demo's mailer: SMTP when `SMTP_URL` is set, otherwise the development outbox (one `.eml` file per
 * message in `DATA_DIR/outbox/`). In production the outbox would swallow every reset link, so the app
 * refuses to start without `SMTP_URL`.
 *
 * @example const { mailer } = createDemoMailer(readDemoConfig('hono'));
 */
export function createDemoMailer(config: DemoConfig): DemoMailer {
  const from = config.mailFrom;
  if (config.smtpUrl !== undefined) {
    const host = smtpHost(config.smtpUrl);
    try {
      return { mailer: createSmtpMailer({ url: config.smtpUrl, from }), delivery: `SMTP via ${host}` };
    } catch {
      // The mailer's own message could quote the URL; name the variable instead (no `cause`: it is printed too).
      throw new TypeError(`SMTP_URL or MAIL_FROM was refused by the SMTP mailer (host ${host})`);
    }
  }
  if (config.production)
    throw new TypeError(
      'SMTP_URL is required when NODE_ENV=production: without it, account mail would only be written to files',
    );
  return {
    mailer: createOutboxMailer({ dir: config.outboxDir, from }),
    delivery: `written to ${config.outboxDir}`,
  };
}
