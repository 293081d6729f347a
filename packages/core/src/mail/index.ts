export { escapeHtml } from './escape-html.js';
export type { MailContent, Mailer, MailKind, MailMessage } from './mailer.js';
export type { MemoryMailer } from './memory-mailer.js';
export { createMemoryMailer } from './memory-mailer.js';
export type { AccountMail, LinkMail, MailTemplates, PasswordChangedMail } from './templates.js';
export { defaultMailTemplates } from './templates.js';
