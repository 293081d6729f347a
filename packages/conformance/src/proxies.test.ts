// TRUST_PROXY against every demo as a real process: with 0, X-Forwarded-For and X-Forwarded-Proto are
// ignored (a client is its socket's address, and cannot claim HTTPS); with 1, clients behind one proxy are
// counted apart by the address the proxy appended (one locking out its e-mail or its address locks out
// nobody else), and X-Forwarded-Proto from the proxy satisfies production's HTTPS rule.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The SMTP server @portcullis/mail's own tests use: production refuses to start without SMTP_URL.
import { startSmtpServer, type TestSmtpServer } from '../../mail/src/testing/smtp-server.js';
import { createClient, freshClientAddress, secret } from './client.js';
import { type DemoProcess, FRAMEWORKS, startDemo } from './demo-process.js';
import { email, freshPassword } from './fixtures.js';

const LIMITS = { LOGIN_MAX_FAILURES: '3', LOGIN_MAX_FAILURES_PER_IP: '6' };
const WRONG = 'not the password, surely';

/** What production needs to start: SMTP, a strong pepper, a key-encryption key. */
function productionEnv(smtp: TestSmtpServer): Record<string, string> {
  return {
    NODE_ENV: 'production',
    SMTP_URL: smtp.url(),
    API_KEY_PEPPER: secret(randomBytes(32).toString('base64url')),
    KEYRING_KEK: secret(randomBytes(32).toString('base64url')),
  };
}

describe.each(FRAMEWORKS)('trusted proxies on the %s demo', (framework) => {
  let smtp: TestSmtpServer;
  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  describe('TRUST_PROXY=0 (the default)', () => {
    let app: DemoProcess;
    beforeAll(async () => {
      app = await startDemo(framework, LIMITS);
    }, 90_000);
    afterAll(async () => {
      await app?.stop();
    });

    it('ignores X-Forwarded-For: one client is limited by its socket address, whatever it claims', async () => {
      const target = email('xff-ignored');
      const client = createClient(app.url, { localAddress: freshClientAddress() });
      for (let i = 1; i <= 3; i++) {
        const failed = await client('POST', '/auth/login', {
          body: { email: target, password: WRONG },
          headers: { 'x-forwarded-for': `203.0.113.${i}` },
        });
        expect(failed.status).toBe(401);
      }
      const claimed = await client('POST', '/auth/login', {
        body: { email: target, password: WRONG },
        headers: { 'x-forwarded-for': '203.0.113.200' },
      });
      expect(claimed.status).toBe(429);
      // Another socket address is another client.
      const other = createClient(app.url, { localAddress: freshClientAddress() });
      expect((await other('POST', '/auth/login', { body: { email: target, password: WRONG } })).status).toBe(
        401,
      );
    });
  });

  describe('NODE_ENV=production, TRUST_PROXY=0', () => {
    let app: DemoProcess;
    beforeAll(async () => {
      app = await startDemo(framework, productionEnv(smtp));
    }, 90_000);
    afterAll(async () => {
      await app?.stop();
    });

    it('refuses plain HTTP even with X-Forwarded-Proto: https (no proxy is trusted)', async () => {
      const http = createClient(app.url);
      const claimed = await http('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } });
      expect(claimed.status).toBe(403);
      expect(claimed.json['error']).toBe('invalid_request');
      expect((await http('GET', '/healthz')).status).toBe(403);
    });
  });

  describe('NODE_ENV=production, TRUST_PROXY=1', () => {
    let app: DemoProcess;
    beforeAll(async () => {
      app = await startDemo(framework, { ...productionEnv(smtp), ...LIMITS, TRUST_PROXY: '1' });
    }, 90_000);
    afterAll(async () => {
      await app?.stop();
    });

    /** A request as the proxy forwards it: the client's address appended, HTTPS as the proxy saw it. */
    function viaProxy(forwardedFor: string) {
      const proxy = createClient(app.url);
      return (path: string, body: unknown, proto = 'https') =>
        proxy('POST', path, {
          body,
          headers: { 'x-forwarded-for': forwardedFor, 'x-forwarded-proto': proto },
        });
    }

    it('honours X-Forwarded-Proto from the proxy: https passes, http or a spoofed leftmost https does not', async () => {
      const http = createClient(app.url);
      expect((await http('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https' } })).status).toBe(200);
      expect((await http('GET', '/healthz', { headers: { 'x-forwarded-proto': 'http' } })).status).toBe(403);
      expect((await http('GET', '/healthz')).status).toBe(403);
      const spoofed = await http('GET', '/healthz', { headers: { 'x-forwarded-proto': 'https, http' } });
      expect(spoofed.status).toBe(403);
    });

    it('counts two clients behind one proxy apart: one locking out an e-mail does not lock out the other', async () => {
      const owner = email('behind-proxy');
      const password = freshPassword('behind proxy');
      expect((await viaProxy('198.51.100.1')('/auth/register', { email: owner, password })).status).toBe(201);
      const attacker = viaProxy('203.0.113.66');
      for (let i = 0; i < 3; i++)
        expect((await attacker('/auth/login', { email: owner, password: WRONG })).status).toBe(401);
      expect((await attacker('/auth/login', { email: owner, password })).status).toBe(429);
      // A spoofed leftmost entry does not make the attacker another client.
      const spoofing = viaProxy('198.51.100.77, 203.0.113.66');
      expect((await spoofing('/auth/login', { email: owner, password })).status).toBe(429);
      // The owner, behind the same proxy, logs in.
      const ownLogin = await viaProxy('203.0.113.7')('/auth/login', { email: owner, password });
      expect(ownLogin.status).toBe(200);
      expect(ownLogin.json['access_token']).toEqual(expect.any(String));
    });

    it('counts failures per address apart too: one address locked out leaves the next one alone', async () => {
      const attacker = viaProxy('203.0.113.90');
      // LOGIN_MAX_FAILURES_PER_IP=6, over six different e-mails.
      for (let i = 0; i < 6; i++)
        expect((await attacker('/auth/login', { email: email('spray'), password: WRONG })).status).toBe(401);
      expect((await attacker('/auth/login', { email: email('spray'), password: WRONG })).status).toBe(429);
      const neighbour = viaProxy('203.0.113.91');
      expect((await neighbour('/auth/login', { email: email('spray'), password: WRONG })).status).toBe(401);
    });
  });
});
