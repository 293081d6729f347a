import { describe, expect, it } from 'vitest';
import { isSafeAttribute, safeAttributes, safeSpanName } from './safe-attributes.js';

const JWT =
  'eyJhbGciOiJFZERTQSIsInR5cCI6ImF0K2p3dCJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJl';

describe('safeAttributes', () => {
  it('keeps allow-listed keys whose values come from their vocabulary', () => {
    expect(
      safeAttributes({
        'http.request.method': 'POST',
        'http.route': '/api-keys/:id/roll',
        'http.response.status_code': 429,
        'portcullis.store': 'refreshTokens',
        'portcullis.operation': 'isRevoked',
        'portcullis.outcome': 'error',
        'portcullis.reason': 'bad_signature',
        'portcullis.event': 'refresh.reuse_detected',
        'error.type': 'AuthError',
      }),
    ).toEqual({
      'http.request.method': 'POST',
      'http.route': '/api-keys/:id/roll',
      'http.response.status_code': 429,
      'portcullis.store': 'refreshTokens',
      'portcullis.operation': 'isRevoked',
      'portcullis.outcome': 'error',
      'portcullis.reason': 'bad_signature',
      'portcullis.event': 'refresh.reuse_detected',
      'error.type': 'AuthError',
    });
  });

  it('drops every key not on the allow-list, whatever its value', () => {
    expect(
      safeAttributes({
        'http.url': '/auth/login',
        'http.request.header.authorization': 'Bearer x',
        'enduser.id': 'user-1',
        'portcullis.subject': 'alice',
        constructor: 'Object',
        __proto__: 'x',
      }),
    ).toEqual({});
  });

  it.each([
    ['a URL with a query string', 'http.route', '/auth/verify-email?token=abc'],
    ['a concrete path with a percent escape', 'http.route', '/api-keys/a%20b'],
    ['a token as a route', 'http.route', `/${JWT}`],
    ['a JWT as a reason', 'portcullis.reason', JWT],
    ['an e-mail as a reason', 'portcullis.reason', 'alice@example.com'],
    ['a message as a reason', 'portcullis.reason', 'token expired at 12:00'],
    ['an upper-case base64url secret as a reason', 'portcullis.reason', 'pc_live_AbCdEf0123'],
    ['a message as an error class', 'error.type', 'connect ECONNREFUSED 10.0.0.1:5432'],
    ['an unknown method', 'http.request.method', 'TRACE'],
    ['a status code out of range', 'http.response.status_code', 1000],
    ['a string status code', 'http.response.status_code', '200'],
    ['an unknown outcome', 'portcullis.outcome', 'maybe'],
    ['an object', 'portcullis.store', { toString: () => 'sessions' }],
    ['an array', 'portcullis.reason', ['expired']],
    ['an over-long identifier', 'portcullis.operation', 'a'.repeat(33)],
    ['an empty string', 'portcullis.store', ''],
  ])('drops %s', (_label, key, value) => {
    expect(isSafeAttribute(key, value)).toBe(false);
    expect(safeAttributes({ [key]: value })).toEqual({});
  });
});

describe('safeSpanName', () => {
  it('joins checked parts after the prefix', () => {
    expect(
      safeSpanName('portcullis.route', [
        ['http.request.method', 'POST'],
        ['http.route', '/auth/login'],
      ]),
    ).toBe('portcullis.route POST /auth/login');
    expect(
      safeSpanName(
        'portcullis.store',
        [
          ['portcullis.store', 'sessions'],
          ['portcullis.operation', 'touch'],
        ],
        '.',
      ),
    ).toBe('portcullis.store sessions.touch');
  });

  it('falls back to the prefix alone when a part fails its check', () => {
    expect(safeSpanName('portcullis.route', [['http.route', '/auth/login?password=hunter2']])).toBe(
      'portcullis.route',
    );
  });
});
