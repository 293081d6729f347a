export { extractBearerToken, missingCredentials } from './bearer.js';
export type { ErrorResponseOptions } from './error-response.js';
export { errorResponse } from './error-response.js';
export { headerValue, headerValues } from './headers.js';
export { MAX_AUTH_BODY_BYTES, readJsonObject, readRequestJson, stringField } from './json-body.js';
export {
  headersFromFetch,
  headersFromNode,
  headersFromRawHeaders,
  MAX_DISCARDED_BODY_BYTES,
  NodeAuthRequest,
  readBodyText,
  responseBodyText,
} from './node-request.js';
export { SECURITY_HEADERS } from './security-headers.js';
export type { ClientRequest, ProxyTrust, TrustProxy } from './trust-proxy.js';
export { createProxyTrust, requireClientAddress, withClientAddress } from './trust-proxy.js';
export type { AuthRequest, AuthResponse, RequestHeaders } from './types.js';
export { assertNoCredentialsInUrl, URL_CREDENTIAL_PARAMETERS } from './url-credentials.js';
export { challengeFor } from './www-authenticate.js';
