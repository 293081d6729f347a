import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  claimsOf,
  signInFixture,
  startTestProvider,
  type TestProvider,
  tokenCookiesSet,
} from '../testing/openid-provider.js';

// The real provider answers the token endpoint; its answer is then swapped for a forged one, as a
// compromised network path or a mix-up would. Every forged ID token below is otherwise well-formed.
let idp: TestProvider;
let otherIdp: TestProvider;
beforeAll(async () => {
  [idp, otherIdp] = await Promise.all([
    startTestProvider({ conformIdTokenClaims: false }),
    startTestProvider(),
  ]);
  idp.loginAs = 'alice';
});
afterAll(() => Promise.all([idp.close(), otherIdp.close()]));
afterEach(() => {
  idp.rewrites.clear();
});

const now = () => Math.floor(Date.now() / 1000);

type Forge = (claims: Record<string, unknown>) => Promise<string>;

/** Replaces the ID token of the next token response by `forge(the real token's claims)`. */
function forgeIdToken(forge: Forge) {
  idp.rewrites.set('/token', async (body) => ({
    ...body,
    id_token: await forge(claimsOf(String(body['id_token']))),
  }));
}

async function refusedWith(forge: Forge | 'drop') {
  const { signIn, users, events } = await signInFixture({
    oidc: { issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
  });
  if (forge === 'drop') {
    idp.rewrites.set('/token', ({ id_token: _, ...body }) => body);
  } else {
    forgeIdToken(forge);
  }
  const { result } = await signIn();
  expect(result.status).toBe(400);
  expect((result.body as { error: string }).error).toBe('invalid_request');
  expect(tokenCookiesSet(result)).toEqual([]);
  expect(users.count()).toBe(0);
  const refusal = events.find((e) => (e as { type: string }).type === 'oauth.refused') as { reason: string };
  return refusal.reason;
}

describe('the ID token is checked exactly (OpenID Connect Core §3.1.3.7)', () => {
  it('accepts the real one (the baseline of every case below)', async () => {
    const { signIn } = await signInFixture({
      oidc: { issuer: idp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
    });
    idp.rewrites.set('/token', (body) => body);
    expect((await signIn()).result.status).toBe(302);
  });

  it('refuses an ID token for another client (aud)', async () => {
    expect(await refusedWith((c) => idp.sign({ ...c, aud: 'another-client' }))).toBe('id_token_aud_mismatch');
  });

  it('refuses an ID token with extra audiences and no azp, or an azp naming another client', async () => {
    expect(await refusedWith((c) => idp.sign({ ...c, aud: [CLIENT_ID, 'another-client'] }))).toBe(
      'id_token_aud_mismatch',
    );
    expect(
      await refusedWith((c) => idp.sign({ ...c, aud: [CLIENT_ID, 'another-client'], azp: 'another-client' })),
    ).toBe('id_token_azp_mismatch');
    // Even with a single audience, an azp must name this client.
    expect(await refusedWith((c) => idp.sign({ ...c, azp: 'another-client' }))).toBe('id_token_azp_mismatch');
  });

  it('refuses an ID token issued by a second provider (its iss, its key)', async () => {
    const reason = await refusedWith((c) => otherIdp.sign({ ...c, iss: otherIdp.issuer }));
    expect(reason).toBe('id_token_iss_mismatch');
  });

  it('refuses an ID token claiming this issuer but signed by another key', async () => {
    // The second provider's key and kid: no such key in this provider's JWKS.
    expect(await refusedWith((c) => otherIdp.sign(c))).toBe('id_token_no_matching_key');
    // The second provider's key under this provider's kid: the signature does not verify.
    expect(await refusedWith((c) => idp.sign(c, { key: otherIdp.signingKey }))).toBe(
      'id_token_bad_signature',
    );
  });

  it('refuses alg none and HMAC, even signed with the client secret', async () => {
    const none = async (c: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify(c)).toString('base64url')}.`;
    expect(await refusedWith(none)).toBe('id_token_algorithm');
    const hs256 = (c: Record<string, unknown>) =>
      idp.sign(c, { alg: 'HS256', key: { kty: 'oct', k: Buffer.from(CLIENT_SECRET).toString('base64url') } });
    expect(await refusedWith(hs256)).toBe('id_token_algorithm');
  });

  it('refuses an expired ID token, one issued in the future, and one without iat', async () => {
    expect(await refusedWith((c) => idp.sign({ ...c, exp: now() - 60, iat: now() - 400 }))).toBe(
      'id_token_exp_check_failed',
    );
    expect(await refusedWith((c) => idp.sign({ ...c, iat: now() + 3600, exp: now() + 7200 }))).toBe(
      'id_token_iat_in_future',
    );
    expect(await refusedWith(({ iat: _, ...c }) => idp.sign(c))).toBe('id_token_iat_missing');
  });

  it('refuses a nonce that is not this sign-in’s, and a missing one', async () => {
    expect(await refusedWith((c) => idp.sign({ ...c, nonce: 'someone-elses-nonce' }))).toBe(
      'id_token_nonce_mismatch',
    );
    expect(await refusedWith(({ nonce: _, ...c }) => idp.sign(c))).toBe('id_token_nonce_missing');
  });

  it('refuses an e-mail whose email_verified the forger set to the string "true"', async () => {
    expect(await refusedWith((c) => idp.sign({ ...c, email_verified: 'true' }))).toBe('email_unverified');
  });

  it('refuses a token response without an ID token', async () => {
    expect(await refusedWith('drop')).toBe('id_token_missing');
  });
});

describe('UserInfo', () => {
  it('refuses a UserInfo answer whose sub is not the ID token’s', async () => {
    const userInfoIdp = await startTestProvider();
    try {
      userInfoIdp.loginAs = 'alice';
      userInfoIdp.rewrites.set('/me', (body) => ({ ...body, sub: 'admin', email: 'admin@example.com' }));
      const { signIn, users, events } = await signInFixture({
        oidc: { issuer: userInfoIdp.issuer, clientId: CLIENT_ID, clientSecret: CLIENT_SECRET },
      });
      const { result } = await signIn();
      expect(result.status).toBe(400);
      expect(users.count()).toBe(0);
      expect(events).toContainEqual({ type: 'oauth.refused', provider: 'oidc', reason: 'sub_mismatch' });
    } finally {
      await userInfoIdp.close();
    }
  });
});
