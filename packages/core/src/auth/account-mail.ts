import { optionError } from '../lib/option-error.js';
import type { Mailer, MailKind, MailMessage } from '../mail/mailer.js';
import { defaultMailTemplates, type MailTemplates } from '../mail/templates.js';
import type { IssuedOneTimeToken } from './one-time-tokens.js';
import type { AuthUser } from './user-directory.js';

/** How `createAuth` sends account mail. */
export interface MailOptions {
  /** Delivers the messages: `createSmtpMailer()` or `createOutboxMailer()` from `@portcullis/mail`, or your own. */
  mailer: Mailer;
  /** The name messages are signed with. Default `"portcullis"`. */
  appName?: string;
  /**
   * The page that reads the one-time token from the link's fragment (`#verify-email=…`, `#reset-password=…`)
   * and posts it. Default: the first `appOrigin` followed by `/`. Must not carry a fragment of its own.
   */
  pageUrl?: string;
  /** Replacements for any of the default messages. */
  templates?: Partial<MailTemplates>;
}

/** The account messages, addressed and with their links built. */
export interface AccountMail {
  verifyEmail(user: AuthUser, issued: IssuedOneTimeToken): Promise<void>;
  resetPassword(user: AuthUser, issued: IssuedOneTimeToken): Promise<void>;
  passwordChanged(
    user: AuthUser,
    change: { how: 'reset' | 'change'; apiKeys: number; at: Date },
  ): Promise<void>;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/;

function pageUrlOf(value: unknown, appOrigin: string | undefined): string {
  const raw = value ?? (appOrigin === undefined ? undefined : `${appOrigin.replace(/\/+$/, '')}/`);
  let url: URL;
  try {
    url = new URL(String(raw));
  } catch {
    throw optionError(
      'mail.pageUrl',
      'is not an absolute URL',
      'give an http(s) URL, such as https://app.example/',
    );
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw optionError('mail.pageUrl', 'must be an http(s) URL', 'give one such as https://app.example/');
  // The token travels in the fragment, which portcullis appends: a fragment of the app's own would hide it.
  if (url.hash !== '' || String(raw).includes('#'))
    throw optionError(
      'mail.pageUrl',
      'must not have a fragment',
      'remove the #…: portcullis puts the token there',
    );
  return url.href;
}

/**
 * Validates the mail options once and returns the account messages. A one-time token is put only in the
 * link's fragment: browsers never send a fragment to a server, so it reaches no access log, no query string
 * and no `Referer`.
 */
export function createAccountMail(options: MailOptions, appOrigin: string | undefined): AccountMail {
  if (typeof options !== 'object' || options === null || typeof options.mailer?.send !== 'function')
    throw optionError(
      'mail.mailer',
      'is not a Mailer (an object with send(message))',
      'pass createSmtpMailer(…) from @portcullis/mail, or createMemoryMailer() in tests',
    );
  const appName = options.appName ?? 'portcullis';
  // It goes into subjects: a line break there would be a header injection, which mailers refuse per message.
  if (
    typeof appName !== 'string' ||
    appName.trim() === '' ||
    appName.length > 100 ||
    CONTROL_CHARACTERS.test(appName)
  )
    throw optionError(
      'mail.appName',
      'must be one line of at most 100 characters',
      "omit it for 'portcullis'",
    );
  const pageUrl = pageUrlOf(options.pageUrl, appOrigin);
  const templates: MailTemplates = { ...defaultMailTemplates, ...options.templates };
  for (const name of ['verifyEmail', 'resetPassword', 'passwordChanged'] as const) {
    if (typeof templates[name] !== 'function')
      throw optionError(`mail.templates.${name}`, 'must be a function', 'omit it for the default template');
  }
  const { mailer } = options;
  const send = (kind: MailKind, to: string, content: Omit<MailMessage, 'to' | 'kind'>) =>
    mailer.send(
      Object.freeze({ to, kind, subject: content.subject, text: content.text, html: content.html }),
    );
  const link = (fragment: string, token: string) => `${pageUrl}#${fragment}=${token}`;

  return {
    verifyEmail: (user, issued) =>
      send(
        'verify_email',
        user.email,
        templates.verifyEmail({
          appName,
          email: user.email,
          link: link('verify-email', issued.token),
          expiresAt: issued.expiresAt,
        }),
      ),
    resetPassword: (user, issued) =>
      send(
        'reset_password',
        user.email,
        templates.resetPassword({
          appName,
          email: user.email,
          link: link('reset-password', issued.token),
          expiresAt: issued.expiresAt,
        }),
      ),
    passwordChanged: (user, change) =>
      send(
        'password_changed',
        user.email,
        templates.passwordChanged({ appName, email: user.email, ...change }),
      ),
  };
}
