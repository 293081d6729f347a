import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import type { AuthRequest, RequestHeaders } from '../http/types.js';
import { type CsrfCheckContext, createCsrfGuard } from './csrf-guard.js';

const APP_ORIGIN = 'https://app.example';
const UNSAFE = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const SAFE = ['GET', 'HEAD', 'OPTIONS'] as const;
const byCookie: CsrfCheckContext = { authenticatedBy: 'cookie' };

function request(method: string, headers: RequestHeaders = {}): AuthRequest {
  return { method, url: '/auth/session', headers };
}

function refusal(run: () => void): AuthError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AuthError);
    return error as AuthError;
  }
  throw new Error('expected a csrf_failed refusal');
}

function expectRefused(run: () => void, reason: string) {
  const error = refusal(run);
  expect(error.code).toBe('csrf_failed');
  expect(error.status).toBe(403);
  expect(error.message).toBe('Cross-site request refused');
  expect(error.reason).toBe(reason);
}

describe('createCsrfGuard', () => {
  const guard = createCsrfGuard({ allowedOrigins: [APP_ORIGIN] });

  describe.each(UNSAFE)('cookie-authenticated %s', (method) => {
    it('passes with Origin equal to the app origin', () => {
      expect(() => guard.check(request(method, { origin: APP_ORIGIN }), byCookie)).not.toThrow();
    });

    it('is refused with a different Origin', () => {
      expectRefused(
        () => guard.check(request(method, { origin: 'https://evil.example' }), byCookie),
        'origin_mismatch',
      );
      expectRefused(
        () => guard.check(request(method, { origin: 'http://app.example' }), byCookie),
        'origin_mismatch',
      );
      expectRefused(
        () => guard.check(request(method, { origin: 'https://app.example:8443' }), byCookie),
        'origin_mismatch',
      );
      expectRefused(
        () => guard.check(request(method, { origin: 'https://sub.app.example' }), byCookie),
        'origin_mismatch',
      );
      expectRefused(
        () => guard.check(request(method, { origin: 'https://app.example.evil' }), byCookie),
        'origin_mismatch',
      );
    });

    it('is refused without Origin, even with a matching Referer', () => {
      expectRefused(() => guard.check(request(method), byCookie), 'missing_origin');
      expectRefused(() => guard.check(request(method, { origin: [] }), byCookie), 'missing_origin');
      expectRefused(
        () => guard.check(request(method, { referer: `${APP_ORIGIN}/account` }), byCookie),
        'missing_origin',
      );
    });

    it('is refused with Origin: null', () => {
      expectRefused(() => guard.check(request(method, { origin: 'null' }), byCookie), 'null_origin');
    });

    it('is refused with several Origin headers, even when one matches', () => {
      expectRefused(
        () => guard.check(request(method, { origin: [APP_ORIGIN, APP_ORIGIN] }), byCookie),
        'multiple_origins',
      );
      expectRefused(
        () => guard.check(request(method, { origin: [APP_ORIGIN, 'https://evil.example'] }), byCookie),
        'multiple_origins',
      );
    });

    it('is refused with a malformed Origin', () => {
      for (const origin of [
        '',
        'app.example',
        `${APP_ORIGIN}/path`,
        `${APP_ORIGIN}, https://evil.example`,
        'https://user@app.example',
      ]) {
        expectRefused(() => guard.check(request(method, { origin }), byCookie), 'malformed_origin');
      }
    });

    it('passes without Origin when authenticated by a header or not at all', () => {
      expect(() => guard.check(request(method), { authenticatedBy: 'header' })).not.toThrow();
      expect(() =>
        guard.check(request(method, { origin: 'https://evil.example' }), { authenticatedBy: 'header' }),
      ).not.toThrow();
      expect(() => guard.check(request(method), { authenticatedBy: 'none' })).not.toThrow();
    });
  });

  it.each(SAFE)('lets cookie-authenticated %s through without Origin', (method) => {
    expect(() => guard.check(request(method), byCookie)).not.toThrow();
    expect(() => guard.check(request(method, { origin: 'https://evil.example' }), byCookie)).not.toThrow();
  });

  it('checks every other method, and methods are case-sensitive', () => {
    for (const method of ['TRACE', 'PROPFIND', 'get', 'post', '']) {
      expectRefused(() => guard.check(request(method), byCookie), 'missing_origin');
    }
  });

  it('treats an unknown authenticatedBy as cookie (fails closed)', () => {
    expectRefused(
      () => guard.check(request('POST'), { authenticatedBy: 'session' as never }),
      'missing_origin',
    );
    expectRefused(() => guard.check(request('POST'), undefined as never), 'missing_origin');
  });

  it('normalises configured and presented origins', () => {
    const configured = createCsrfGuard({
      allowedOrigins: ['HTTPS://App.Example:443/', 'http://127.0.0.1:3000/'],
    });
    expect(configured.allowedOrigins).toEqual(['https://app.example', 'http://127.0.0.1:3000']);
    for (const origin of [
      'https://app.example',
      'https://APP.EXAMPLE',
      'HTTPS://app.example:443',
      'http://127.0.0.1:3000',
    ]) {
      expect(() => configured.check(request('POST', { origin }), byCookie)).not.toThrow();
    }
    expectRefused(
      () => configured.check(request('POST', { origin: 'http://127.0.0.1:3001' }), byCookie),
      'origin_mismatch',
    );
    expectRefused(
      () => configured.check(request('POST', { origin: 'http://localhost:3000' }), byCookie),
      'origin_mismatch',
    );
  });

  it('refuses junk configuration with TypeError', () => {
    for (const allowedOrigins of [
      [],
      ['null'],
      ['app.example'],
      ['https://app.example/path'],
      ['ftp://x.example'],
      [42],
    ]) {
      expect(() => createCsrfGuard({ allowedOrigins: allowedOrigins as string[] })).toThrow(TypeError);
    }
    expect(() => createCsrfGuard({} as never)).toThrow(TypeError);
    expect(() => createCsrfGuard({ allowedOrigins: 'https://app.example' as never })).toThrow(TypeError);
    expect(() =>
      createCsrfGuard({ allowedOrigins: [APP_ORIGIN], doubleSubmit: { cookieName: 'a b', headerName: 'x' } }),
    ).toThrow(TypeError);
    expect(() =>
      createCsrfGuard({ allowedOrigins: [APP_ORIGIN], doubleSubmit: { cookieName: 'c', headerName: 'x:y' } }),
    ).toThrow(TypeError);
  });

  describe('double-submit token', () => {
    const strict = createCsrfGuard({
      allowedOrigins: [APP_ORIGIN],
      doubleSubmit: { cookieName: '__Host-csrf', headerName: 'X-CSRF-Token' },
    });
    const token = 'dG9rZW4tdmFsdWUtMTIzNDU2Nzg5MA';

    it('passes with a matching Origin and the cookie value repeated in the header', () => {
      const headers = { origin: APP_ORIGIN, cookie: `__Host-csrf=${token}`, 'x-csrf-token': token };
      expect(() => strict.check(request('POST', headers), byCookie)).not.toThrow();
    });

    it('still requires the Origin', () => {
      const headers = { cookie: `__Host-csrf=${token}`, 'x-csrf-token': token };
      expectRefused(() => strict.check(request('POST', headers), byCookie), 'missing_origin');
    });

    it('refuses a missing or mismatched token', () => {
      const base = { origin: APP_ORIGIN };
      expectRefused(
        () => strict.check(request('POST', { ...base, 'x-csrf-token': token }), byCookie),
        'missing_csrf_cookie',
      );
      expectRefused(
        () => strict.check(request('POST', { ...base, cookie: `__Host-csrf=${token}` }), byCookie),
        'missing_csrf_token',
      );
      expectRefused(
        () =>
          strict.check(
            request('POST', { ...base, cookie: `__Host-csrf=${token}`, 'x-csrf-token': '' }),
            byCookie,
          ),
        'missing_csrf_token',
      );
      expectRefused(
        () =>
          strict.check(
            request('POST', { ...base, cookie: `__Host-csrf=${token}`, 'x-csrf-token': [token, token] }),
            byCookie,
          ),
        'missing_csrf_token',
      );
      expectRefused(
        () =>
          strict.check(
            request('POST', { ...base, cookie: `__Host-csrf=${token}`, 'x-csrf-token': `${token}x` }),
            byCookie,
          ),
        'csrf_token_mismatch',
      );
      expectRefused(
        () =>
          strict.check(
            request('POST', { ...base, cookie: `__Host-csrf=${token}`, 'x-csrf-token': token.toUpperCase() }),
            byCookie,
          ),
        'csrf_token_mismatch',
      );
    });

    it('is not required for safe methods or header-authenticated requests', () => {
      expect(() => strict.check(request('GET'), byCookie)).not.toThrow();
      expect(() => strict.check(request('POST'), { authenticatedBy: 'header' })).not.toThrow();
    });
  });
});
