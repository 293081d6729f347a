/** The contract's exact client-facing messages for `Authorization` header problems. */
export const MESSAGES = Object.freeze({
  malformedAuthorization: 'Malformed authorization header',
  noToken: 'No token provided',
  invalidToken: 'Invalid token',
  credentialsInUrl: 'Credentials must not be sent in the URL',
});
