/** The contract's exact client-facing messages for `Authorization` header and token problems. */
export const MESSAGES = Object.freeze({
  malformedAuthorization: 'Malformed authorization header',
  noToken: 'No token provided',
  invalidToken: 'Invalid token',
  /** RFC 6750 §3's own example: tells a client that a refresh, not a new login, is what it needs. */
  expiredToken: 'The access token expired',
  credentialsInUrl: 'Credentials must not be sent in the URL',
});
