import { AuthError, isAuthError } from '@portcullis/core';
import type { FastifyError, FastifyRequest } from 'fastify';

// Fastify's own client errors, answered in the contract's words (never echoing the input).
const INVALID_REQUEST: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'Request body must be JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'Request body must be JSON',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'Unsupported content type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'Request body size does not match Content-Length',
  FST_ERR_BAD_URL: 'Malformed URL',
  FST_ERR_MAX_PARAM_LENGTH: 'Malformed URL',
};

/**
 * Maps Fastify's own errors onto `AuthError`s, so that `auth.errorResponse` answers them in the contract's
 * shape: body too large → 413 `payload_too_large`, parse, media-type and schema-validation errors → 400
 * `invalid_request`, not found → 404 `not_found`. Anything else is returned unchanged (an `AuthError`, or a
 * bug that `auth.errorResponse` answers 500 without details).
 */
export function fromFastifyError(error: unknown, request: FastifyRequest): unknown {
  if (isAuthError(error) || typeof error !== 'object' || error === null) return error;
  const { code, validation } = error as Partial<FastifyError>;
  if (validation !== undefined) return new AuthError('invalid_request', (error as Error).message);
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    // The same words core uses when it refuses an oversized body itself.
    const limit = request.routeOptions.bodyLimit;
    return new AuthError('payload_too_large', `Request body is larger than ${limit} bytes`);
  }
  if (code === 'FST_ERR_NOT_FOUND') return new AuthError('not_found', 'Not found');
  const description = code === undefined ? undefined : INVALID_REQUEST[code];
  return description === undefined ? error : new AuthError('invalid_request', description);
}
