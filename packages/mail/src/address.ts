import addressparser from 'nodemailer/lib/addressparser';

// An addr-spec as nodemailer hands it to the SMTP envelope: no spaces, angle brackets or commas, one "@"
// with something on both sides. Deliberately narrower than RFC 5322 (no quoted local parts).
const ADDR_SPEC = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\]+$/;

/** Longest address field accepted: the 998-character header line limit of RFC 5322, less room for the name. */
const MAX_LENGTH = 900;

/**
 * True when `value` is exactly one mailbox — `someone@example.com` or `Name <someone@example.com>` — as
 * nodemailer itself parses it. A list (`a@x, b@y`), a group or a line break would make nodemailer send to
 * more than one recipient or forge a header, so those are refused. Parsed with nodemailer's own
 * addressparser so that what is checked is what will be sent.
 */
export function isSingleMailbox(value: unknown): value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_LENGTH) return false;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (/[\u0000-\u001f\u007f]/.test(value)) return false;
  const parsed = addressparser(value);
  if (parsed.length !== 1) return false;
  const [mailbox] = parsed;
  return mailbox !== undefined && mailbox.group === undefined && ADDR_SPEC.test(mailbox.address);
}
