import { AuthError } from '../errors/auth-error.js';

// Deliberately loose (RFC 5321 allows far more than any strict pattern): one "@", no spaces, a dot in the domain.
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Trims and lower-cases an e-mail, as the contract counts and stores them; refuses one of impossible shape with 400. */
export function normaliseEmail(email: string): string {
  const normalised = email.trim().toLowerCase();
  if (normalised.length > 254 || !EMAIL_SHAPE.test(normalised))
    throw new AuthError('invalid_request', '"email" must be an e-mail address');
  return normalised;
}
