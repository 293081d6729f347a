import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { errorResponse } from './error-response.js';

describe('errorResponse', () => {
  it('maps an invalid token to 401 with an RFC 6750 challenge and the contract body', () => {
    const response = errorResponse(new AuthError('invalid_token', 'Invalid token', { challenge: 'Bearer' }));
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="portcullis", error="invalid_token", error_description="Invalid token"',
    );
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).toEqual({ error: 'invalid_token', error_description: 'Invalid token' });
  });

  it('names no error in the challenge when no credentials were presented', () => {
    const response = errorResponse(
      new AuthError('invalid_request', 'No token provided', {
        status: 401,
        challenge: 'Bearer',
        challengeError: false,
      }),
    );
    expect(response.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
  });

  it('escapes quotes and backslashes and strips control characters in the challenge', () => {
    const response = errorResponse(
      new AuthError('insufficient_scope', 'needs "admin" \\ role\r\nX-Evil: 1', { challenge: 'Bearer' }),
      {
        realm: 'my "realm"',
      },
    );
    expect(response.headers['www-authenticate']).toBe(
      'Bearer realm="my \\"realm\\"", error="insufficient_scope", error_description="needs \\"admin\\" \\\\ roleX-Evil: 1"',
    );
    expect(response.status).toBe(403);
  });

  it('adds Retry-After in whole seconds, at least 1', () => {
    expect(
      errorResponse(new AuthError('rate_limited', 'Too many attempts', { retryAfter: 12.2 })).headers[
        'retry-after'
      ],
    ).toBe('13');
    expect(
      errorResponse(new AuthError('temporarily_unavailable', 'Down', { retryAfter: 0 })).headers[
        'retry-after'
      ],
    ).toBe('1');
  });

  it('answers anything that is not an AuthError with a bare 500 that reveals nothing', () => {
    const response = errorResponse(new Error('connection string postgres://user:hunter2@db'));
    expect(response.status).toBe(500);
    expect(JSON.stringify(response)).not.toContain('hunter2');
    expect(response.body).toEqual({ error: 'server_error', error_description: 'Internal server error' });
  });

  it('keeps the reason and cause out of the response', () => {
    const response = errorResponse(
      new AuthError('invalid_token', 'Invalid token', {
        reason: 'bad_signature',
        cause: new Error('secret-detail'),
      }),
    );
    expect(JSON.stringify(response)).not.toMatch(/bad_signature|secret-detail/);
  });
});
