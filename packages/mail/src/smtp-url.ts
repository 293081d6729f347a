/** An SMTP server's address and credentials, read from an `smtp://` or `smtps://` URL. */
export interface SmtpEndpoint {
  readonly host: string;
  readonly port: number;
  /** True for `smtps://`: TLS from the first byte (usually port 465). */
  readonly secure: boolean;
  readonly auth: { readonly user: string; readonly pass: string } | undefined;
}

import { optionError } from '@portcullis/core/adapter';

const OPTION = 'createSmtpMailer.url';
const SHAPE =
  'give smtp://[user:password@]host[:port] or smtps://…, with reserved characters in the user name and password percent-encoded';

/**
 * Reads an SMTP URL. Throws a `TypeError` that never contains the URL: it may hold a password. (Node's own
 * URL parser error carries the whole input in its `input` property, so it is not passed on as a cause.)
 */
export function parseSmtpUrl(url: unknown): SmtpEndpoint {
  if (typeof url !== 'string') throw optionError(OPTION, `must be a string, not ${typeof url}`, SHAPE);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw optionError(OPTION, 'is not a valid URL', SHAPE);
  }
  const protocol = parsed.protocol;
  if (protocol !== 'smtp:' && protocol !== 'smtps:') {
    throw optionError(OPTION, 'must use the smtp: or smtps: scheme', SHAPE);
  }
  // Options in the query string (nodemailer reads some) would escape this package's validation.
  if (parsed.search !== '' || parsed.hash !== '' || (parsed.pathname !== '' && parsed.pathname !== '/')) {
    throw optionError(OPTION, 'has a path, query or fragment', SHAPE);
  }
  const host = parsed.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw optionError(OPTION, 'has no host', SHAPE);
  const secure = protocol === 'smtps:';
  const port = parsed.port === '' ? (secure ? 465 : 587) : Number(parsed.port);
  return { host, port, secure, auth: readCredentials(parsed) };
}

function readCredentials(parsed: URL): SmtpEndpoint['auth'] {
  if (parsed.username === '' && parsed.password === '') return undefined;
  if (parsed.username === '' || parsed.password === '') {
    throw optionError(OPTION, 'must carry both a user name and a password, or neither', SHAPE);
  }
  try {
    return { user: decodeURIComponent(parsed.username), pass: decodeURIComponent(parsed.password) };
  } catch {
    throw optionError(OPTION, 'has a malformed percent-encoding in its user name or password', SHAPE);
  }
}

/** True for a host on this machine, where mail to a development server never crosses a network. */
export function isLoopbackHost(host: string): boolean {
  const lower = host.toLowerCase();
  return (
    lower === 'localhost' ||
    lower.endsWith('.localhost') ||
    lower === '::1' ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(lower)
  );
}
