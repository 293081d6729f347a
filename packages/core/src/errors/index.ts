export type { AuthErrorCode, AuthErrorOptions, ChallengeScheme } from './auth-error.js';
export { AuthError, DEFAULT_STATUS, isAuthError } from './auth-error.js';
export { MESSAGES } from './messages.js';
