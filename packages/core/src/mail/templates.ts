import { escapeHtml } from './escape-html.js';
import type { MailContent } from './mailer.js';

/** What every message knows: the application's name and the recipient. */
export interface AccountMail {
  /** The name the app signs its mail with. */
  readonly appName: string;
  readonly email: string;
}

/** A link carrying a one-time token in its fragment, and when that token stops working. */
export interface LinkMail extends AccountMail {
  readonly link: string;
  readonly expiresAt: Date;
}

/** After a password reset or change. */
export interface PasswordChangedMail extends AccountMail {
  readonly how: 'reset' | 'change';
  readonly at: Date;
  /** API keys of the account that still work (a reset keeps them): listed so that the owner can review them. */
  readonly apiKeys: number;
}

/**
 * The account messages, each a function of what it must say. Override any of them through
 * `createAuth({ mail: { templates } })`; a template is handed only the link, never the token alone, and
 * nothing else secret.
 */
export interface MailTemplates {
  verifyEmail(input: LinkMail): MailContent;
  resetPassword(input: LinkMail): MailContent;
  passwordChanged(input: PasswordChangedMail): MailContent;
}

const minutesUntil = (at: Date, from: Date) =>
  Math.max(1, Math.round((at.getTime() - from.getTime()) / 60_000));

// Whole hours are rounded down: a link that works for 2.5 hours must not be announced as working for 3.
function lifetime(expiresAt: Date): string {
  const minutes = minutesUntil(expiresAt, new Date());
  if (minutes >= 120) return `${Math.floor(minutes / 60)} hours`;
  return minutes === 1 ? '1 minute' : `${minutes} minutes`;
}

function html(paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`);
  if (link !== undefined)
    body.splice(1, 0, `<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>`);
  return `<!doctype html><html><body>${body.join('')}</body></html>`;
}

/** Plain, short English messages. */
export const defaultMailTemplates: MailTemplates = Object.freeze({
  verifyEmail({ appName, email, link, expiresAt }: LinkMail): MailContent {
    const lines = [
      `Confirm that ${email} is your address for ${appName} by opening this link:`,
      `The link works once, for ${lifetime(expiresAt)}. If you did not create an account, ignore this message.`,
    ];
    return {
      subject: `Confirm your e-mail address for ${appName}`,
      text: `${lines[0]}\n\n${link}\n\n${lines[1]}\n`,
      html: html(lines, { href: link, label: 'Confirm my e-mail address' }),
    };
  },
  resetPassword({ appName, link, expiresAt }: LinkMail): MailContent {
    const lines = [
      `Someone asked to reset the password of your ${appName} account. To choose a new one, open this link:`,
      `The link works once, for ${lifetime(expiresAt)}. If it was not you, ignore this message: your password stays as it is.`,
    ];
    return {
      subject: `Reset your ${appName} password`,
      text: `${lines[0]}\n\n${link}\n\n${lines[1]}\n`,
      html: html(lines, { href: link, label: 'Choose a new password' }),
    };
  },
  passwordChanged({ appName, how, at, apiKeys }: PasswordChangedMail): MailContent {
    const lines = [
      `The password of your ${appName} account was ${how === 'reset' ? 'reset' : 'changed'} at ${at.toISOString()}. Every other signed-in browser and app has been signed out.`,
      apiKeys === 0
        ? 'The account has no API keys.'
        : `The account has ${apiKeys} API key${apiKeys === 1 ? '' : 's'}, which still work: review ${apiKeys === 1 ? 'it' : 'them'} and revoke any you do not recognise.`,
      'If this was not you, reset your password at once and contact us.',
    ];
    return {
      subject: `Your ${appName} password was ${how === 'reset' ? 'reset' : 'changed'}`,
      text: `${lines.join('\n\n')}\n`,
      html: html(lines),
    };
  },
});
