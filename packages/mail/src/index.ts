export type { MailDeliveryErrorDetails, MailFailureKind } from './errors.js';
export { MailDeliveryError } from './errors.js';
export type { OutboxMailer, OutboxMailerOptions } from './outbox-mailer.js';
export { createOutboxMailer } from './outbox-mailer.js';
export type { SmtpMailer } from './smtp-mailer.js';
export { createSmtpMailer } from './smtp-mailer.js';
export type { SmtpMailerOptions, SmtpPoolOptions, SmtpTimeouts, SmtpTlsOptions } from './smtp-options.js';
