import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import { readRequestForm } from './form-body.js';

const FORM = { 'content-type': 'application/x-www-form-urlencoded; charset=UTF-8' };

function refusal(read: () => unknown): AuthError {
  try {
    read();
  } catch (error) {
    return error as AuthError;
  }
  throw new Error('not refused');
}

describe('readRequestForm', () => {
  it('reads text, bytes and an already-parsed object of strings', () => {
    const text = 'grant_type=client_credentials&scope=a%3Ab+c';
    expect(readRequestForm({ headers: FORM, body: text })).toEqual({
      grant_type: 'client_credentials',
      scope: 'a:b c',
    });
    expect(readRequestForm({ headers: FORM, body: new TextEncoder().encode(text) })['scope']).toBe('a:b c');
    expect(readRequestForm({ headers: FORM, body: { token: 'x' } })).toEqual({ token: 'x' });
    expect(readRequestForm({ headers: FORM, body: undefined })).toEqual({});
  });

  it('refuses another content type, a repeated parameter and a parsed non-string member with 400', () => {
    for (const request of [
      { headers: { 'content-type': 'application/json' }, body: '{"token":"x"}' },
      { headers: {}, body: 'token=x' },
      { headers: FORM, body: 'token=x&token=y' },
      { headers: FORM, body: { token: ['x', 'y'] } },
    ]) {
      const error = refusal(() => readRequestForm(request));
      expect(error.code).toBe('invalid_request');
      expect(error.status).toBe(400);
    }
  });

  it('refuses a body over 16 KiB with 413, and keeps no prototype to pollute', () => {
    expect(
      refusal(() => readRequestForm({ headers: FORM, body: `token=${'a'.repeat(16 * 1024)}` })).status,
    ).toBe(413);
    const form = readRequestForm({ headers: FORM, body: '__proto__=x&constructor=y' });
    expect(Object.getPrototypeOf(form)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(form, '__proto__')?.value).toBe('x');
  });
});
