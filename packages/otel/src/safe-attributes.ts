// The one place an attribute is made. Every span and metric attribute of this package is built here, from an
// allow-list of keys, each with the fixed vocabulary its values come from (route templates, methods, status
// codes, reason codes, store and method names, event types). Anything else is dropped, so that no token,
// key, code, password, e-mail or request URL can reach an exporter even through a bug upstream.
import type { Attributes } from '@opentelemetry/api';

/** Every value, whatever its key: short, and nothing but identifier and path characters. */
const ANY_VALUE = /^[a-z0-9_.:/ -]{1,64}$/i;

const IDENTIFIER = /^[a-z][a-z0-9]{0,31}$/i;
const SNAKE_CASE = /^[a-z][a-z0-9_]{0,47}$/;
const EVENT_TYPE = /^[a-z][a-z_]{0,31}(\.[a-z][a-z_]{0,31}){0,2}$/;
const CLASS_NAME = /^[A-Z][A-Za-z0-9_]{0,63}$/;
/** A route template: a path of literal segments and `:params`, never a query string or a percent escape. */
const ROUTE_TEMPLATE = /^\/([a-z0-9_.-]+|:[a-z][a-z0-9_]*)?(\/([a-z0-9_.-]+|:[a-z][a-z0-9_]*))*$/i;
const HTTP_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

const oneOf =
  (...values: string[]) =>
  (value: unknown): boolean =>
    typeof value === 'string' && values.includes(value);
const matching =
  (pattern: RegExp) =>
  (value: unknown): boolean =>
    typeof value === 'string' && pattern.test(value);

/**
 * The attribute keys this package sets, each with the check its value must pass. A key missing here is
 * never exported.
 */
const ALLOWED: Readonly<Record<string, (value: unknown) => boolean>> = Object.freeze({
  /** `refreshTokens`, `revocations`…: a key of `AuthStores`. */
  'portcullis.store': matching(IDENTIFIER),
  /** A store method's name: `rotate`, `isRevoked`… */
  'portcullis.operation': matching(IDENTIFIER),
  'portcullis.outcome': oneOf('ok', 'error'),
  'portcullis.result': oneOf('accepted', 'refused', 'hit', 'miss'),
  /** An `AuthError`'s `reason` or `code`, or an event's `reason`: portcullis's own snake_case words. */
  'portcullis.reason': matching(SNAKE_CASE),
  /** How a request authenticated: `bearer`, `apiKey`, `cookie`, `session`. */
  'portcullis.credential': matching(IDENTIFIER),
  /** An `AuthEvent`'s `type`: `login.failed`, `refresh.reuse_detected`… */
  'portcullis.event': matching(EVENT_TYPE),
  /** An event's `method`: `password`, `totp`, `webauthn`… */
  'portcullis.method': matching(SNAKE_CASE),
  /** The contract's error code of a route's answer: `invalid_credentials`, `rate_limited`… */
  'portcullis.error': matching(SNAKE_CASE),
  /** The class name of what a store threw, never its message. */
  'error.type': matching(CLASS_NAME),
  'http.request.method': (value) => typeof value === 'string' && HTTP_METHODS.has(value),
  'http.route': matching(ROUTE_TEMPLATE),
  'http.response.status_code': (value) =>
    typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599,
});

/** Whether `value` may be exported under `key`. */
export function isSafeAttribute(key: string, value: unknown): boolean {
  const check = Object.hasOwn(ALLOWED, key) ? ALLOWED[key] : undefined;
  if (check === undefined || !check(value)) return false;
  return typeof value === 'number' || ANY_VALUE.test(value as string);
}

/**
 * The attributes of `input` that are on the allow-list with a value from their vocabulary; every other
 * entry is dropped, silently (an exporter is no place for an error about it).
 *
 * @example
 * span.setAttributes(safeAttributes({ 'http.route': route.path, 'http.response.status_code': 200 }));
 */
export function safeAttributes(input: Readonly<Record<string, unknown>>): Attributes {
  const attributes: Attributes = {};
  for (const [key, value] of Object.entries(input)) {
    if (isSafeAttribute(key, value)) attributes[key] = value as string | number;
  }
  return attributes;
}

/**
 * A span name from a fixed prefix and parts that each passed `key`'s check, or the prefix alone when one
 * did not: a span name is exported as freely as an attribute.
 *
 * @example safeSpanName('portcullis.route', [['http.request.method', 'POST'], ['http.route', '/auth/login']])
 */
export function safeSpanName(
  prefix: string,
  parts: readonly (readonly [key: string, value: unknown])[],
  separator = ' ',
): string {
  if (!parts.every(([key, value]) => isSafeAttribute(key, value))) return prefix;
  return `${prefix} ${parts.map(([, value]) => String(value)).join(separator)}`;
}
