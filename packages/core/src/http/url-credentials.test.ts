import { describe, expect, it } from 'vitest';
import { AuthError } from '../errors/auth-error.js';
import { assertNoCredentialsInUrl } from './url-credentials.js';

describe('assertNoCredentialsInUrl', () => {
  it.each([
    '/me?access_token=abc',
    '/me?token=abc',
    '/service/reports?api_key=pc_live_x',
    '/service/reports?apikey=pc_live_x',
    '/me?x=1&ACCESS_TOKEN=abc',
    '/me?access%5Ftoken=abc',
    '/me?%61ccess_token=abc',
    '/me?access_token',
    'http://127.0.0.1:3000/me?api_key=1#frag',
    '/me?a=1;b=2&token=',
  ])('refuses %s with 400 invalid_request', (url) => {
    let error: unknown;
    try {
      assertNoCredentialsInUrl(url);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(400);
    expect((error as AuthError).code).toBe('invalid_request');
    expect((error as AuthError).message).not.toContain('abc');
  });

  it.each([
    '/me',
    '/me?',
    '/me?page=2',
    '/me?tokens=1',
    '/me?q=access_token',
    '/me#access_token=abc',
    '/auth/oauth/x/callback?code=1&state=2',
  ])('lets %s through', (url) => {
    expect(() => assertNoCredentialsInUrl(url)).not.toThrow();
  });
});
