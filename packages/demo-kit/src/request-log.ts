import { type AuthEvent, pinoRedactPaths } from '@portcullis/core';

/**
 * What the demos log through: a pino logger, or Fastify's (`app.log`, `request.log`), which is one. Fields
 * first, then the message, as pino takes them.
 */
export interface DemoLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type DemoLogLevel = (typeof LOG_LEVELS)[number];

/**
 * `LOG_LEVEL`, or `info` — `silent` when `NODE_ENV=test`, so that a test running a demo in-process is not
 * flooded (the conformance suite runs them as processes with `NODE_ENV=development`, and reads their log).
 *
 * @example const logger = pino({ level: demoLogLevel(process.env), … });
 */
export function demoLogLevel(env: NodeJS.ProcessEnv = process.env): DemoLogLevel {
  const raw = env['LOG_LEVEL']?.trim() || (env['NODE_ENV'] === 'test' ? 'silent' : 'info');
  if (!(LOG_LEVELS as readonly string[]).includes(raw))
    throw new TypeError(
      `LOG_LEVEL must be ${LOG_LEVELS.map((level) => `"${level}"`).join(', ')}; got ${JSON.stringify(raw)}`,
    );
  return raw as DemoLogLevel;
}

/**
 * The demos' logger settings, for `pino(…)` or Fastify's `logger` option alike: JSON lines named after the
 * app, at `demoLogLevel()`, with credentials in anything logged (headers, bodies) censored.
 *
 * @example const logger = pino(demoLoggerOptions('express'));
 */
export function demoLoggerOptions(app: string, env: NodeJS.ProcessEnv = process.env) {
  return {
    name: app,
    level: demoLogLevel(env),
    redact: { paths: [...pinoRedactPaths], censor: '[redacted]' },
  };
}

/**
 * One line per request: method, path, status and milliseconds. Only the path, never the query string (it
 * may carry a credential the app is about to refuse), never a header, cookie or body. A 5xx is an error.
 *
 * @example res.on('finish', () => logRequest(logger, req.method, req.originalUrl, res.statusCode, started));
 */
export function logRequest(
  logger: DemoLogger,
  method: string,
  url: string,
  status: number,
  startedAt: number,
): void {
  const path = url.split('?')[0]?.split('#')[0] ?? '/';
  const fields = { method, path, status, ms: Math.round(performance.now() - startedAt) };
  if (status >= 500) logger.error(fields, 'request failed');
  else logger.info(fields, 'request');
}

const WARNINGS: ReadonlySet<AuthEvent['type']> = new Set([
  'refresh.reuse_detected',
  'mail.failed',
  'keys.rotation_failed',
  'keys.stored_unencrypted',
]);
const ERRORS: ReadonlySet<AuthEvent['type']> = new Set(['error', 'passwords.bcrypt_unavailable']);

/**
 * A security event, as one line with the event under `event` and its type as the message. Events never
 * carry a secret; the logger's redaction stands behind that anyway.
 */
export function logAuthEvent(logger: DemoLogger, event: AuthEvent): void {
  if (ERRORS.has(event.type)) logger.error({ event }, event.type);
  else if (WARNINGS.has(event.type)) logger.warn({ event }, event.type);
  else logger.info({ event }, event.type);
}

/** The logger of a caller that passes none: the same lines, as JSON on stdout, tagged with the app. */
export function consoleLogger(app: string): DemoLogger {
  const write = (level: string) => (fields: object, message: string) =>
    console.log(JSON.stringify({ level, app, ...fields, msg: message }));
  return { info: write('info'), warn: write('warn'), error: write('error') };
}
