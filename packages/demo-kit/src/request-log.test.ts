import { pinoRedactPaths } from '@portcullis/core';
import { describe, expect, it } from 'vitest';
import { type DemoLogger, demoLoggerOptions, demoLogLevel, logAuthEvent, logRequest } from './request-log.js';

function memoryLogger() {
  const lines: [string, object, string][] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void =>
      void lines.push([level, fields, message]);
  const logger: DemoLogger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

describe('logRequest', () => {
  it('logs method, path without query or fragment, status and duration; a 5xx as an error', () => {
    const { logger, lines } = memoryLogger();
    const started = performance.now();
    logRequest(logger, 'GET', '/auth/oauth/github/callback?code=secret-code&state=s#frag', 302, started);
    logRequest(logger, 'POST', '/auth/login', 503, started);
    expect(lines).toEqual([
      [
        'info',
        { method: 'GET', path: '/auth/oauth/github/callback', status: 302, ms: expect.any(Number) },
        'request',
      ],
      [
        'error',
        { method: 'POST', path: '/auth/login', status: 503, ms: expect.any(Number) },
        'request failed',
      ],
    ]);
    expect(JSON.stringify(lines)).not.toContain('secret-code');
  });
});

describe('logAuthEvent', () => {
  it('logs the event under `event`, at a level that fits it', () => {
    const { logger, lines } = memoryLogger();
    logAuthEvent(logger, { type: 'login.failed', reason: 'invalid_credentials' });
    logAuthEvent(logger, { type: 'refresh.reuse_detected', subject: 'u1', familyId: 'f1' });
    logAuthEvent(logger, { type: 'error', name: 'TypeError', code: undefined });
    expect(lines.map(([level, , message]) => [level, message])).toEqual([
      ['info', 'login.failed'],
      ['warn', 'refresh.reuse_detected'],
      ['error', 'error'],
    ]);
    expect(lines[0]![1]).toEqual({ event: { type: 'login.failed', reason: 'invalid_credentials' } });
  });
});

describe('demoLogLevel', () => {
  it('reads LOG_LEVEL; info by default, silent under NODE_ENV=test', () => {
    expect(demoLogLevel({})).toBe('info');
    expect(demoLogLevel({ NODE_ENV: 'production' })).toBe('info');
    expect(demoLogLevel({ NODE_ENV: 'test' })).toBe('silent');
    expect(demoLogLevel({ NODE_ENV: 'test', LOG_LEVEL: 'debug' })).toBe('debug');
    expect(demoLogLevel({ LOG_LEVEL: ' warn ' })).toBe('warn');
  });

  it('refuses an unknown level, naming the variable', () => {
    expect(() => demoLogLevel({ LOG_LEVEL: 'verbose' })).toThrow(/^LOG_LEVEL must be "fatal", /);
  });
});

describe('demoLoggerOptions', () => {
  it("names the app, takes LOG_LEVEL, and censors core's redaction paths (a copy, not the frozen list)", () => {
    const options = demoLoggerOptions('express', { LOG_LEVEL: 'warn' });
    expect(options).toEqual({
      name: 'express',
      level: 'warn',
      redact: { paths: [...pinoRedactPaths], censor: '[redacted]' },
    });
    expect(options.redact.paths).not.toBe(pinoRedactPaths);
    expect(options.redact.paths).toContain('req.headers.authorization');
    expect(demoLoggerOptions('nest', { NODE_ENV: 'test' }).level).toBe('silent');
  });
});
