import { AuthError } from '../errors/auth-error.js';
import { headerValue } from './headers.js';
import type { RequestHeaders } from './types.js';

/** Largest request body accepted on `/auth/*` routes: 16 KiB, as the contract says. */
export const MAX_AUTH_BODY_BYTES = 16 * 1024;

/** A raw body (text or bytes) as text, refused with 413 when it is over `maxBytes`. Shared by the JSON and form readers. */
export function rawBodyText(body: string | Uint8Array, maxBytes: number): string {
  const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
  if (size > maxBytes)
    throw new AuthError('payload_too_large', `Request body is larger than ${maxBytes} bytes`);
  return typeof body === 'string'
    ? body
    : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

/**
 * Reads a JSON object body from what the adapter passed: raw text/bytes (parsed here, so every framework
 * refuses bad input identically) or an already-parsed value. Refuses a body over `maxBytes` with 413, and
 * anything that is not a JSON object with 400 `invalid_request`.
 *
 * @example const body = readJsonObject(request.rawBody ?? request.body);
 */
export function readJsonObject(body: unknown, maxBytes = MAX_AUTH_BODY_BYTES): Record<string, unknown> {
  let value = body;
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = rawBodyText(body, maxBytes);
    if (text.trim() === '') {
      value = undefined;
    } else {
      try {
        value = JSON.parse(text);
      } catch {
        throw new AuthError('invalid_request', 'Request body must be JSON');
      }
    }
  }
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new AuthError('invalid_request', 'Request body must be a JSON object');
  return value as Record<string, unknown>;
}

const JSON_MEDIA_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/**
 * Reads the JSON object body of a neutral request. A non-empty body must be declared
 * `Content-Type: application/json`: a cross-site HTML form can send `text/plain` or form data without a
 * CORS preflight, but never JSON, so this closes login CSRF through a form whose text looks like JSON.
 *
 * @example const body = readRequestJson(request);
 */
export function readRequestJson(
  request: { headers: RequestHeaders; body?: unknown },
  maxBytes = MAX_AUTH_BODY_BYTES,
): Record<string, unknown> {
  const body = readJsonObject(request.body, maxBytes);
  const hasBody =
    request.body !== undefined &&
    request.body !== null &&
    !(typeof request.body === 'string' && request.body.trim() === '');
  const contentType = headerValue(request.headers, 'content-type');
  if (hasBody && (contentType === undefined || !JSON_MEDIA_TYPE.test(contentType))) {
    throw new AuthError('invalid_request', 'Request body must be JSON (Content-Type: application/json)', {
      reason: 'content_type',
    });
  }
  return body;
}

/** A required string member of a body, refused with 400 when missing or of the wrong type. */
export function stringField(body: Record<string, unknown>, name: string, maxLength = 1024): string {
  const value = body[name];
  if (typeof value !== 'string' || value.length === 0)
    throw new AuthError('invalid_request', `"${name}" must be a non-empty string`);
  if (value.length > maxLength) throw new AuthError('invalid_request', `"${name}" is too long`);
  return value;
}
