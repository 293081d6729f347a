import { STATUS_CODES } from 'node:http';
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
 * `invalid_request`, not found → 404 `not_found`. Anything else is returned unchanged (an `AuthError`, an
 * app's own 4xx error — see `clientErrorOf` — or a bug that `auth.errorResponse` answers 500 without details).
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

/** Fastify's own reply body for an error with a status (what its default error handler sends). */
export interface FastifyErrorBody {
  statusCode: number;
  code?: string;
  error: string;
  message: string;
}

/**
 * An app's own client error (`statusCode` 400–499, as @fastify/sensible's `httpErrors` or @fastify/error
 * build them) that `fromFastifyError` left unmapped, as Fastify's default handler would answer it: its
 * status and message, the app's own words. Anything else — an `AuthError`, or an error without a 4xx
 * status (a 5xx on an arbitrary error is not trusted to be safe to show) — gives `undefined`.
 */
export function clientErrorOf(error: unknown): FastifyErrorBody | undefined {
  if (isAuthError(error) || !(error instanceof Error)) return undefined;
  const { statusCode, code } = error as Partial<FastifyError>;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 400 || statusCode > 499)
    return undefined;
  return {
    statusCode,
    ...(typeof code === 'string' ? { code } : {}),
    error: STATUS_CODES[statusCode] ?? 'Client Error',
    message: error.message,
  };
}
