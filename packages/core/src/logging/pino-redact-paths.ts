import {
  QUERY_FIELDS,
  REQUEST_BODY_FIELDS,
  RESPONSE_BODY_FIELDS,
  SECRET_FIELDS,
  SECRET_HEADERS,
} from './secret-names.js';

// pino paths name keys exactly, and each costs time on every line that has its first key (a path starting
// with `*`, on every line): so the list names where loggers put a request and a response — pino-http and
// Fastify's `req` and `res`, a fetch app's `request` and `response` — and wildcards only `password`.
const HEADER_PLACES = ['headers', 'req.headers', 'res.headers', 'request.headers', 'response.headers'];
const FIELD_PLACES: readonly [string, readonly string[]][] = [
  ['body', REQUEST_BODY_FIELDS],
  ['req.body', REQUEST_BODY_FIELDS],
  ['request.body', REQUEST_BODY_FIELDS],
  ['query', QUERY_FIELDS],
  ['req.query', QUERY_FIELDS],
  ['res.body', RESPONSE_BODY_FIELDS],
  ['response.body', RESPONSE_BODY_FIELDS],
];

const headerPaths = HEADER_PLACES.flatMap((place) =>
  SECRET_HEADERS.map((name) => (/^[a-z]+$/.test(name) ? `${place}.${name}` : `${place}["${name}"]`)),
);
const fieldPaths = FIELD_PLACES.flatMap(([place, names]) => names.map((name) => `${place}.${name}`));

/**
 * pino `redact` paths that censor credentials in what an app logs: the `Authorization`, `Proxy-Authorization`,
 * `Cookie`, `Set-Cookie` and `X-API-Key` headers of a logged request or response (`req.headers.authorization`,
 * `res.headers["set-cookie"]`, lower-case as Node, pino and Fastify spell them); the password, token, key
 * and secret fields of a request's body and query and a response's body (`req.body.password`,
 * `req.query.code`, `res.body.access_token`…); the same fields at the top of a line (`password`,
 * `access_token`, `refresh_token`, `token`, `api_key`, `secret`, `mfa_token`…, but not `code` and `key`,
 * there an error's code or a cache's key); and `*.password`. For Fastify: `Fastify({ logger: { redact } })`.
 *
 * pino matches exact names and cannot censor part of a string: log a URL's path, never its query, and pass
 * anything else through `redact()`, which looks at every level. Read-only and frozen: pino's option type
 * wants a `string[]`, so pass a copy.
 *
 * @example
 * const logger = pino({ redact: { paths: [...pinoRedactPaths], censor: '[redacted]' } });
 */
export const pinoRedactPaths: readonly string[] = Object.freeze([
  ...headerPaths,
  ...fieldPaths,
  ...SECRET_FIELDS,
  '*.password',
]);
