import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { pinoRedactPaths } from './pino-redact-paths.js';

const SECRETS = {
  bearer: 'eyJhbGciOiJFZERTQSJ9.bearer-secret.sig',
  session: 'sid-secret-9f8e7d',
  refresh: 'refresh-secret-1a2b3c',
  apiKey: 'pk_live_apikey-secret-4d5e',
  basic: 'dXNlcjpwcm94eS1zZWNyZXQ=',
  password: 'correct horse battery staple',
  newPassword: 'another long passphrase',
  access: 'access-token-secret-6f7a',
  oauthCode: 'oauth-code-secret-8b9c',
  clientSecret: 'client-secret-0d1e',
  mfa: 'mfa-token-secret-2f3a',
  idToken: 'id-token-secret-4b5c',
};

/** A pino logger writing to memory with the paths, and what it wrote. */
function memoryLogger() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ redact: { paths: [...pinoRedactPaths], censor: '[redacted]' } }, stream);
  return { logger, output: () => lines.join('') };
}

describe('pinoRedactPaths with pino', () => {
  it('is a frozen list of strings pino accepts', () => {
    expect(Object.isFrozen(pinoRedactPaths)).toBe(true);
    expect(pinoRedactPaths).toContain('req.headers.authorization');
    expect(pinoRedactPaths).toContain('req.headers.cookie');
    expect(pinoRedactPaths).toContain('req.headers["x-api-key"]');
    expect(pinoRedactPaths).toContain('res.headers["set-cookie"]');
    expect(pinoRedactPaths).toContain('*.password');
    expect(new Set(pinoRedactPaths).size).toBe(pinoRedactPaths.length);
  });

  it('writes no secret of a logged request, response, body or error', () => {
    const { logger, output } = memoryLogger();
    logger.info(
      {
        req: {
          method: 'POST',
          url: '/auth/login',
          headers: {
            authorization: `Bearer ${SECRETS.bearer}`,
            cookie: `__Host-portcullis-sid=${SECRETS.session}; __Host-portcullis-refresh=${SECRETS.refresh}`,
            'x-api-key': SECRETS.apiKey,
            'proxy-authorization': `Basic ${SECRETS.basic}`,
            'user-agent': 'curl/8.5.0',
          },
          body: { email: 'alice@example.com', password: SECRETS.password, new_password: SECRETS.newPassword },
          query: { code: SECRETS.oauthCode, state: 'visible-state' },
        },
        res: {
          statusCode: 200,
          headers: { 'set-cookie': [`__Host-portcullis-refresh=${SECRETS.refresh}; Path=/; HttpOnly`] },
          body: { access_token: SECRETS.access, refresh_token: SECRETS.refresh, token_type: 'Bearer' },
        },
        responseTime: 12,
      },
      'request completed',
    );
    logger.info({ mfa_token: SECRETS.mfa, id_token: SECRETS.idToken, client_secret: SECRETS.clientSecret });
    logger.info({ account: { email: 'alice@example.com', password: SECRETS.password } }, 'nested');
    logger.child({ token: SECRETS.access }).warn({ api_key: SECRETS.apiKey }, 'child logger');
    const cause = Object.assign(new Error('provider refused'), {
      config: { headers: { authorization: `Basic ${SECRETS.basic}` } },
    });
    logger.error(
      { err: new AuthError('invalid_grant', 'Invalid grant', { reason: 'code_replayed', cause }) },
      'oauth failed',
    );

    const written = output();
    for (const [name, value] of Object.entries(SECRETS)) {
      expect(written.includes(value), `${name} in the log`).toBe(false);
    }
    // Not vacuous: the lines are there, with what may be logged and the error's code.
    const first = JSON.parse(written.split('\n')[0]!);
    expect(first).toMatchObject({
      msg: 'request completed',
      req: {
        method: 'POST',
        url: '/auth/login',
        headers: { authorization: '[redacted]', cookie: '[redacted]', 'user-agent': 'curl/8.5.0' },
        body: { email: 'alice@example.com', password: '[redacted]' },
        query: { code: '[redacted]', state: 'visible-state' },
      },
      res: { statusCode: 200, headers: { 'set-cookie': '[redacted]' }, body: { token_type: 'Bearer' } },
    });
    expect(written).toContain('"code":"invalid_grant"');
    expect(written).toContain('"reason":"code_replayed"');
    expect(written.trim().split('\n')).toHaveLength(5);
  });
});
