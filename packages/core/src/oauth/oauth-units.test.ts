import { describe, expect, it } from 'vitest';
import { createMemoryOAuthStateStore } from '../stores/memory/memory-oauth-state-store.js';
import { createMemoryRevocationStore } from '../stores/memory/memory-revocation-store.js';
import { authFixture } from '../testing/auth.js';
import { googlePreset } from './google-preset.js';
import { checkIdToken, idTokenAlgorithms, verifiedEmailOf } from './id-token-checks.js';
import { microsoftPreset } from './microsoft-preset.js';
import type { OAuthProviderConfig } from './provider-config.js';
import { cachedOnSuccess } from './single-flight.js';
import { stateSpender } from './spend-state.js';
import { createStateCookies, type OAuthStateRecord } from './state-cookie.js';

const record: OAuthStateRecord = {
  provider: 'oidc',
  state: 's'.repeat(43),
  nonce: 'n'.repeat(43),
  codeVerifier: 'v'.repeat(43),
  expiresAt: 1_800_000_000_000,
};
const secret = Buffer.alloc(32, 1);
const pair = (setCookie: string) => ({ cookie: setCookie.split(';')[0]! });

describe('state cookie', () => {
  const cookies = createStateCookies({ secret, maxAge: 600 });

  it('round-trips a record, which is unreadable in the cookie', () => {
    const sealed = cookies.seal(record);
    expect(cookies.open('oidc', pair(sealed))).toEqual(record);
    expect(sealed).not.toContain(record.state);
    expect(Buffer.from(sealed.split(';')[0]!.split('=')[1]!, 'base64url').toString('latin1')).not.toContain(
      'vvvv',
    );
  });

  it('is unique per sealing (random IV)', () => {
    expect(cookies.seal(record)).not.toBe(cookies.seal(record));
  });

  it('opens nothing altered, truncated, under another secret, or renamed to another provider', () => {
    const value = cookies.seal(record).split(';')[0]!.split('=')[1]!;
    for (let i = 0; i < value.length; i += 7) {
      const altered = value.slice(0, i) + (value[i] === 'A' ? 'B' : 'A') + value.slice(i + 1);
      expect(cookies.open('oidc', { cookie: `__Host-portcullis-oauth-oidc=${altered}` })).toBeUndefined();
    }
    expect(
      cookies.open('oidc', { cookie: `__Host-portcullis-oauth-oidc=${value.slice(0, 30)}` }),
    ).toBeUndefined();
    const other = createStateCookies({ secret: Buffer.alloc(32, 2), maxAge: 600 });
    expect(other.open('oidc', pair(cookies.seal(record)))).toBeUndefined();
    expect(cookies.open('google', { cookie: `__Host-portcullis-oauth-google=${value}` })).toBeUndefined();
    expect(cookies.open('oidc', { cookie: '__Host-portcullis-oauth-oidc=%%%' })).toBeUndefined();
    expect(cookies.open('oidc', {})).toBeUndefined();
  });

  it('clears with the same attributes', () => {
    expect(cookies.clear('oidc')).toBe(
      '__Host-portcullis-oauth-oidc=; Max-Age=0; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT; HttpOnly; Secure; SameSite=Lax',
    );
  });
});

describe('spent states', () => {
  it('memory store: exactly one of many concurrent consumes wins, until the entry expires', async () => {
    let now = 1000;
    const store = createMemoryOAuthStateStore({ clock: () => now });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.consume('k', 5000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.consume('k', 5000)).toBe(false);
    now = 5000;
    expect(await store.consume('k', 9000)).toBe(true);
  });

  it('memory store: bounded, refusing (not evicting live entries) when full', async () => {
    let now = 0;
    const store = createMemoryOAuthStateStore({ maxEntries: 2, clock: () => now });
    await store.consume('a', 100);
    await store.consume('b', 200);
    await expect(store.consume('c', 300)).rejects.toThrow(/full/);
    now = 150; // 'a' has expired: room again
    expect(await store.consume('c', 300)).toBe(true);
    expect(await store.consume('b', 200)).toBe(false);
  });

  it('without an oauthStates store, spends through the revocation store', async () => {
    const revocations = createMemoryRevocationStore();
    const spend = stateSpender({ revocations, clock: () => 1000 });
    expect(await spend('k', 5000)).toBe(true);
    expect(await spend('k', 5000)).toBe(false);
    expect(await spend('j', 5000)).toBe(true);
  });
});

describe('ID-token checks beyond oauth4webapi', () => {
  it('accepts only asymmetric algorithms the provider lists, RS256 when it lists none', () => {
    expect([...idTokenAlgorithms({ issuer: 'x' })]).toEqual(['RS256']);
    expect([
      ...idTokenAlgorithms({
        issuer: 'x',
        id_token_signing_alg_values_supported: ['none', 'HS256', 'ES256', 'RS256'],
      }),
    ]).toEqual(['ES256', 'RS256']);
  });

  const jwt = (header: object) => `${Buffer.from(JSON.stringify(header)).toString('base64url')}.e30.sig`;
  const context = {
    metadata: { issuer: 'x', id_token_signing_alg_values_supported: ['RS256', 'HS256', 'none'] },
    clientId: 'app',
    nowSeconds: 1000,
    toleranceSeconds: 30,
  };
  const claims = { iss: 'x', sub: 'u', aud: 'app', iat: 1000, exp: 2000 };

  it('refuses none and HMAC even when the provider’s metadata lists them', () => {
    expect(() => checkIdToken(jwt({ alg: 'RS256' }), claims, context)).not.toThrow();
    for (const alg of ['none', 'HS256', 'ES256'])
      expect(() => checkIdToken(jwt({ alg }), claims, context)).toThrow(
        expect.objectContaining({ reason: 'id_token_algorithm' }),
      );
    expect(() => checkIdToken('not-a-jwt', claims, context)).toThrow(
      expect.objectContaining({ reason: 'id_token_malformed' }),
    );
  });

  it('checks azp with a single audience, and iat against the clock', () => {
    expect(() => checkIdToken(jwt({ alg: 'RS256' }), { ...claims, azp: 'app' }, context)).not.toThrow();
    expect(() => checkIdToken(jwt({ alg: 'RS256' }), { ...claims, azp: 'other' }, context)).toThrow();
    expect(() => checkIdToken(jwt({ alg: 'RS256' }), { ...claims, iat: 1031 }, context)).toThrow();
    expect(() => checkIdToken(jwt({ alg: 'RS256' }), { ...claims, iat: 1030 }, context)).not.toThrow();
  });

  it('counts an e-mail verified only by a JSON true', () => {
    const verified = ['email_verified'];
    expect(verifiedEmailOf({ email: 'a@b.c', email_verified: true }, verified)).toBe('a@b.c');
    expect(verifiedEmailOf({}, verified)).toBeUndefined();
    for (const flag of [false, 'true', 1, null, undefined])
      expect(() => verifiedEmailOf({ email: 'a@b.c', email_verified: flag }, verified)).toThrow();
    expect(() => verifiedEmailOf({ email: 42, email_verified: true }, verified)).toThrow();
    // An explicit email_verified that is not true wins over any other claim.
    expect(() =>
      verifiedEmailOf({ email: 'a@b.c', email_verified: false, xms_edov: true }, [
        'email_verified',
        'xms_edov',
      ]),
    ).toThrow();
    expect(verifiedEmailOf({ email: 'a@b.c', xms_edov: true }, ['email_verified', 'xms_edov'])).toBe('a@b.c');
  });
});

describe('cachedOnSuccess', () => {
  it('shares one call among concurrent callers, keeps a success, forgets a failure', async () => {
    let calls = 0;
    let fail = true;
    const load = cachedOnSuccess(async () => {
      calls++;
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('down');
      return calls;
    });
    const failures = await Promise.allSettled([load(), load(), load()]);
    expect(failures.every((r) => r.status === 'rejected')).toBe(true);
    expect(calls).toBe(1);
    fail = false;
    expect(await Promise.all([load(), load()])).toEqual([2, 2]);
    expect(await load()).toBe(2);
    expect(calls).toBe(2);
  });
});

describe('presets', () => {
  it('google: accounts.google.com, openid email profile', () => {
    expect(googlePreset({ clientId: 'id', clientSecret: 'secret' })).toEqual({
      issuer: 'https://accounts.google.com',
      clientId: 'id',
      clientSecret: 'secret',
      scopes: ['profile'],
    });
  });

  it('microsoft: one tenant’s v2.0 issuer; consumers mapped to its tenant; common/organizations refused', () => {
    const tenant = '72f988bf-86f1-41af-91ab-2d7cd011db47';
    expect(microsoftPreset({ tenant, clientId: 'id', clientSecret: 's' })).toMatchObject({
      issuer: `https://login.microsoftonline.com/${tenant}/v2.0`,
      emailVerifiedClaims: ['email_verified'],
    });
    expect(microsoftPreset({ tenant: 'consumers', clientId: 'id', clientSecret: 's' }).issuer).toBe(
      'https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0',
    );
    expect(
      microsoftPreset({ tenant, clientId: 'id', clientSecret: 's', acceptDomainOwnerVerified: true })
        .emailVerifiedClaims,
    ).toEqual(['email_verified', 'xms_edov']);
    for (const bad of ['common', 'organizations', 'contoso.onmicrosoft.com', ''])
      expect(() => microsoftPreset({ tenant: bad, clientId: 'id', clientSecret: 's' })).toThrow(TypeError);
  });
});

describe('createAuth OAuth options are checked at start-up', () => {
  const oidc = { issuer: 'https://idp.example', clientId: 'app', clientSecret: 'secret' };
  it.each<[string, Record<string, unknown>]>([
    ['a provider name that cannot be a path segment', { oauth: { providers: { 'Bad Name': oidc } } }],
    [
      'a plain-http issuer off loopback',
      { oauth: { providers: { oidc: { ...oidc, issuer: 'http://idp.example' } } } },
    ],
    ['an issuer that is not a URL', { oauth: { providers: { oidc: { ...oidc, issuer: 'idp.example' } } } }],
    ['a missing client secret', { oauth: { providers: { oidc: { ...oidc, clientSecret: '' } } } }],
    [
      'a protocol parameter among authorizationParams',
      { oauth: { providers: { oidc: { ...oidc, authorizationParams: { state: 'x' } } } } },
    ],
    ['a scope with a space', { oauth: { providers: { oidc: { ...oidc, scopes: ['a b'] } } } }],
    ['an unknown provider type', { oauth: { providers: { oidc: { ...oidc, type: 'saml' } } } }],
    [
      'an unknown token endpoint auth method',
      { oauth: { providers: { oidc: { ...oidc, tokenEndpointAuthMethod: 'none' } } } },
    ],
    [
      'an OAuth 2.0 provider without userEmail',
      {
        oauth: {
          providers: {
            gh: {
              ...oidc,
              type: 'oauth2',
              authorizationEndpoint: 'https://a.example/a',
              tokenEndpoint: 'https://a.example/t',
              scopes: [],
            },
          },
        },
      },
    ],
    ['a state lifetime over 10 minutes', { oauth: { stateTtl: '11m' } }],
    ['a timeout of 0', { oauth: { timeout: 0 } }],
    ['a weak state secret', { oauth: { stateSecret: 'changeme' } }],
    ['an off-site redirect', { oauth: { redirectTo: '//evil.example/' } }],
    ['a backslash redirect', { oauth: { redirectTo: '/\\evil.example/' } }],
    ['an absolute redirect', { oauth: { redirectTo: 'https://evil.example/' } }],
  ])('refuses %s with a TypeError', async (_label, options) => {
    await expect(authFixture(options)).rejects.toThrow(TypeError);
  });

  it('accepts a valid configuration without fetching anything', async () => {
    const { auth } = await authFixture({
      oauth: {
        providers: { oidc, google: googlePreset({ clientId: 'id', clientSecret: 's' }) },
        stateTtl: '5m',
        timeout: '3s',
        redirectTo: '/app',
        stateSecret: 'k3Jx9vQ2mT7wL4pZ8nB1cR6yH5fD0gS2aE',
      },
    });
    expect(auth.routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining(['GET /auth/oauth/:provider/start', 'GET /auth/oauth/:provider/callback']),
    );
  });
});

// Type-level: a preset is a provider configuration.
const _presets: Record<string, OAuthProviderConfig> = {
  google: googlePreset({ clientId: 'a', clientSecret: 'b' }),
};
void _presets;
