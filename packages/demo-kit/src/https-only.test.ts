import { createProxyTrust } from '@portcullis/core/http';
import { describe, expect, it } from 'vitest';
import { plainHttpRefusal } from './https-only.js';

const production = { production: true };
const PROXY = '10.0.0.2';

function refused(
  trustProxy: number,
  headers: Record<string, string>,
  encrypted = false,
  config = production,
) {
  const connection = { encrypted, remoteAddress: PROXY, headers };
  return plainHttpRefusal(config, createProxyTrust(trustProxy), connection) !== undefined;
}

describe('plainHttpRefusal', () => {
  it('refuses plain HTTP in production with 403, and never in development', () => {
    const refusal = plainHttpRefusal(production, createProxyTrust(0), { encrypted: false, headers: {} });
    expect(refusal).toMatchObject({ code: 'invalid_request', status: 403, reason: 'plain_http' });
    expect(refused(0, {}, false, { production: false })).toBe(false);
    expect(refused(0, {}, true)).toBe(false);
  });

  it('attack: with TRUST_PROXY=0 a client cannot claim HTTPS by X-Forwarded-Proto', () => {
    expect(refused(0, { 'x-forwarded-proto': 'https' })).toBe(true);
  });

  it('honours X-Forwarded-Proto from TRUST_PROXY ≥ 1 proxies, as the outermost one set it', () => {
    expect(refused(1, { 'x-forwarded-proto': 'https' })).toBe(false);
    expect(refused(1, { 'x-forwarded-proto': 'http' })).toBe(true);
    // A client's own "https" in front of what the proxy appended is not read.
    expect(refused(1, { 'x-forwarded-proto': 'https, http' })).toBe(true);
    expect(
      refused(2, { 'x-forwarded-proto': 'https, http', 'x-forwarded-for': '203.0.113.9, 10.0.0.1' }),
    ).toBe(false);
  });
});
