export type { AuthRequest, AuthResponse, RequestHeaders } from './types.js';
export { headerValue, headerValues } from './headers.js';
export { extractBearerToken, missingCredentials } from './bearer.js';
export { assertNoCredentialsInUrl, URL_CREDENTIAL_PARAMETERS } from './url-credentials.js';
export { errorResponse } from './error-response.js';
export type { ErrorResponseOptions } from './error-response.js';
export { challengeFor } from './www-authenticate.js';
