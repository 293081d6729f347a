import { AuthError } from '../errors/auth-error.js';
import { headerValue } from './headers.js';
import { MAX_AUTH_BODY_BYTES, rawBodyText } from './json-body.js';
import type { RequestHeaders } from './types.js';

const FORM_MEDIA_TYPE = /^application\/x-www-form-urlencoded\s*(?:;|$)/i;

/**
 * Reads an `application/x-www-form-urlencoded` body, the encoding OAuth endpoints take (RFC 6749 §4.4.2,
 * RFC 7662 §2.1, RFC 7009 §2.1). Raw text or bytes are parsed here (with the same 16 KiB limit as JSON
 * bodies, 413 past it); an already-parsed object is accepted when every member is a string. Refuses another
 * content type and a parameter sent twice (RFC 6749 §3.2) with 400 `invalid_request`.
 *
 * @example const form = readRequestForm(request); const grant = form['grant_type'];
 */
export function readRequestForm(
  request: { headers: RequestHeaders; body?: unknown },
  maxBytes = MAX_AUTH_BODY_BYTES,
): Record<string, string> {
  const contentType = headerValue(request.headers, 'content-type');
  if (contentType === undefined || !FORM_MEDIA_TYPE.test(contentType))
    throw new AuthError(
      'invalid_request',
      'Request body must be form-encoded (Content-Type: application/x-www-form-urlencoded)',
      { reason: 'content_type' },
    );
  const { body } = request;
  if (body === undefined || body === null) return {};
  if (typeof body === 'string' || body instanceof Uint8Array) {
    const text = rawBodyText(body, maxBytes);
    const form: Record<string, string> = Object.create(null);
    for (const [name, value] of new URLSearchParams(text)) {
      if (Object.hasOwn(form, name))
        throw new AuthError('invalid_request', `"${name.slice(0, 64)}" must not be repeated`);
      form[name] = value;
    }
    return form;
  }
  if (typeof body === 'object' && !Array.isArray(body)) {
    const entries = Object.entries(body as Record<string, unknown>);
    if (entries.every(([, value]) => typeof value === 'string'))
      return Object.assign(Object.create(null), Object.fromEntries(entries)) as Record<string, string>;
  }
  throw new AuthError('invalid_request', 'Request body must be form-encoded');
}
