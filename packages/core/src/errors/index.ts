export { AuthError, isAuthError, DEFAULT_STATUS } from './auth-error.js';
export type { AuthErrorCode, AuthErrorOptions, ChallengeScheme } from './auth-error.js';
export { MESSAGES } from './messages.js';
