export { extractBearerToken, missingCredentials } from './bearer.js';
export type { ErrorResponseOptions } from './error-response.js';
export { errorResponse } from './error-response.js';
export { headerValue, headerValues } from './headers.js';
export type { AuthRequest, AuthResponse, RequestHeaders } from './types.js';
export { assertNoCredentialsInUrl, URL_CREDENTIAL_PARAMETERS } from './url-credentials.js';
export { challengeFor } from './www-authenticate.js';
