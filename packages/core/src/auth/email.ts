import { AuthError } from '../errors/auth-error.js';

// Deliberately loose (RFC 5321 allows far more than any strict pattern): one "@", no spaces, a dot in the domain.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * The e-mail of a request as accounts are stored and looked up: trimmed and lower-cased; one of impossible
 * shape is refused with 400. (Rate limits count a wider form: `emailForCounting`, which also applies NFKC.)
 */
export function parseEmail(email: string): string {
  const normalized = email.trim().toLowerCase();
  if (normalized.length > 254 || !EMAIL_SHAPE.test(normalized))
    throw new AuthError('invalid_request', '"email" must be an e-mail address');
  return normalized;
}
