import { describe, expect, it } from 'vitest';
import { createDpopProver, type DpopProver } from '../dpop/dpop-prover.js';
import { isAuthError } from '../errors/auth-error.js';
import { requireRoles } from '../policy/requirement.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import type { AuthFixtureOptions } from '../testing/auth.js';
import { authFixture, bearer, ORIGIN, PASSWORD } from '../testing/auth.js';
import { fakeClock } from '../testing/token-fixtures.js';

const EMAIL = 'alice@example.com';
const HOST = { host: '127.0.0.1:3000' };

function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

async function boundLogin(overrides: AuthFixtureOptions = {}) {
  const f = await authFixture(overrides);
  await f.call('POST', '/auth/register', { body: { email: EMAIL, password: PASSWORD } });
  const client = await createDpopProver({ clock: f.clock });
  const login = await f.call('POST', '/auth/login', {
    headers: { ...HOST, dpop: await client.proof('POST', `${ORIGIN}/auth/login`) },
    body: { email: EMAIL, password: PASSWORD },
  });
  const body = login.body as { access_token: string; refresh_token: string; token_type: string };
  return { ...f, client, login, accessToken: body.access_token, refreshToken: body.refresh_token, body };
}

/** `auth.authenticate` for GET /reports with `Authorization: DPoP` and a proof by `client`. */
async function authenticateWith(
  f: Awaited<ReturnType<typeof boundLogin>>,
  client: DpopProver,
  token: string,
  proof?: string,
) {
  return f.auth.authenticate({
    method: 'GET',
    url: '/reports',
    headers: {
      ...HOST,
      authorization: `DPoP ${token}`,
      dpop: proof ?? (await client.proof('GET', `${ORIGIN}/reports`, { accessToken: token })),
    },
  });
}

async function refusalOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isAuthError(error)) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('DPoP-bound login and refresh (RFC 9449 §5)', () => {
  it('binds a login with a proof: cnf.jkt, token_type DPoP, refresh token in the body, no token cookie', async () => {
    const f = await boundLogin();
    expect(f.login.status).toBe(200);
    expect(f.body.token_type).toBe('DPoP');
    expect(payloadOf(f.accessToken)['cnf']).toEqual({ jkt: f.client.jkt });
    expect(typeof f.refreshToken).toBe('string');
    expect(f.login.setCookie('__Host-portcullis-access')).toBeUndefined();
    expect(f.login.setCookie('__Host-portcullis-refresh')).toBeUndefined();
    const context = await authenticateWith(f, f.client, f.accessToken);
    expect([context.subject, context.method]).toEqual([payloadOf(f.accessToken)['sub'], 'dpop']);
  });

  it('refuses the bound token as a bearer token, in the access cookie, and with a thief’s own key', async () => {
    const f = await boundLogin();
    const asBearer = await refusalOf(
      f.auth.authenticate({ method: 'GET', url: '/reports', headers: bearer(f.accessToken) }),
    );
    expect([asBearer.code, asBearer.reason, asBearer.challenge]).toEqual([
      'invalid_token',
      'dpop_bound_token_without_proof',
      'DPoP',
    ]);
    const asCookie = await refusalOf(
      f.auth.authenticate({
        method: 'GET',
        url: '/reports',
        headers: { cookie: `__Host-portcullis-access=${f.accessToken}` },
      }),
    );
    expect(asCookie.reason).toBe('dpop_bound_token_without_proof');
    const thief = await createDpopProver({ clock: f.clock });
    const stolen = await refusalOf(authenticateWith(f, thief, f.accessToken));
    expect([stolen.code, stolen.reason, stolen.status]).toEqual(['invalid_dpop_proof', 'key_mismatch', 401]);
  });

  it('refuses a replayed proof, a proof for another method or URL, a stale one and one without ath', async () => {
    const f = await boundLogin();
    const proof = await f.client.proof('GET', `${ORIGIN}/reports`, { accessToken: f.accessToken });
    await authenticateWith(f, f.client, f.accessToken, proof);
    const cases: Array<[string, Promise<string> | string]> = [
      ['replayed_jti', proof],
      ['wrong_htm', f.client.proof('DELETE', `${ORIGIN}/reports`, { accessToken: f.accessToken })],
      ['wrong_htu', f.client.proof('GET', `${ORIGIN}/admin`, { accessToken: f.accessToken })],
      [
        'stale_iat',
        f.client.proof('GET', `${ORIGIN}/reports`, {
          accessToken: f.accessToken,
          claims: { iat: Math.floor(f.clock() / 1000) - 120 },
        }),
      ],
      ['missing_ath', f.client.proof('GET', `${ORIGIN}/reports`)],
    ];
    for (const [reason, made] of cases) {
      const error = await refusalOf(authenticateWith(f, f.client, f.accessToken, await made));
      expect([error.code, error.reason]).toEqual(['invalid_dpop_proof', reason]);
    }
    // Each refusal is an audit event, with its reason and nothing of the proof.
    expect(f.events).toContainEqual({ type: 'token.refused', reason: 'replayed_jti' });
  });

  it('refuses an unbound token sent with the DPoP scheme', async () => {
    const f = await authFixture();
    const { accessToken } = await f.registerAndLogin(EMAIL);
    const client = await createDpopProver({ clock: f.clock });
    const error = await refusalOf(
      f.auth.authenticate({
        method: 'GET',
        url: '/reports',
        headers: {
          ...HOST,
          authorization: `DPoP ${accessToken}`,
          dpop: await client.proof('GET', `${ORIGIN}/reports`, { accessToken }),
        },
      }),
    );
    expect([error.code, error.reason, error.challenge]).toEqual(['invalid_token', 'not_dpop_bound', 'DPoP']);
  });

  it('refreshes a bound family only with a proof of its key, and never spends the token on a refusal', async () => {
    const f = await boundLogin();
    const refreshWith = async (proof: string | undefined) =>
      f.call('POST', '/auth/refresh', {
        headers: { ...HOST, ...(proof === undefined ? {} : { dpop: proof }) },
        body: { refresh_token: f.refreshToken },
      });
    const without = await refreshWith(undefined);
    expect([without.status, (without.body as { error: string }).error]).toEqual([400, 'invalid_dpop_proof']);
    const thief = await createDpopProver({ clock: f.clock });
    const stolen = await refreshWith(await thief.proof('POST', `${ORIGIN}/auth/refresh`));
    expect([stolen.status, (stolen.body as { error: string }).error]).toEqual([400, 'invalid_dpop_proof']);
    const good = await refreshWith(await f.client.proof('POST', `${ORIGIN}/auth/refresh`));
    expect(good.status).toBe(200);
    const body = good.body as { access_token: string; token_type: string; refresh_token: string };
    expect(body.token_type).toBe('DPoP');
    expect(payloadOf(body.access_token)['cnf']).toEqual({ jkt: f.client.jkt });
    expect(body.refresh_token).not.toBe(f.refreshToken);
    // Nothing was spent by the refusals, and the rotation did not reuse-detect: the new token works.
    const next = await f.call('POST', '/auth/refresh', {
      headers: { ...HOST, dpop: await f.client.proof('POST', `${ORIGIN}/auth/refresh`) },
      body: { refresh_token: body.refresh_token },
    });
    expect(next.status).toBe(200);
    expect(f.events).not.toContainEqual(expect.objectContaining({ type: 'refresh.reuse_detected' }));
  });

  it('refuses a proof sent to refresh an unbound family: one login never mixes bound and unbound tokens', async () => {
    const f = await authFixture();
    const { refreshToken } = await f.registerAndLogin(EMAIL);
    const client = await createDpopProver({ clock: f.clock });
    const response = await f.call('POST', '/auth/refresh', {
      headers: { ...HOST, dpop: await client.proof('POST', `${ORIGIN}/auth/refresh`) },
      body: { refresh_token: refreshToken },
    });
    expect([response.status, (response.body as { error: string }).error]).toEqual([
      400,
      'invalid_dpop_proof',
    ]);
    const plain = await f.call('POST', '/auth/refresh', { body: { refresh_token: refreshToken } });
    expect(plain.status).toBe(200);
  });

  it('checks the login proof before the password: a bad proof is 400 and no failed login is counted', async () => {
    const f = await authFixture();
    await f.call('POST', '/auth/register', { body: { email: EMAIL, password: PASSWORD } });
    const client = await createDpopProver({ clock: f.clock });
    const bad = await f.call('POST', '/auth/login', {
      headers: { ...HOST, dpop: await client.proof('POST', `${ORIGIN}/auth/refresh`) },
      body: { email: EMAIL, password: 'wrong password entirely' },
    });
    expect([bad.status, (bad.body as { error: string }).error]).toEqual([400, 'invalid_dpop_proof']);
    expect(f.events).not.toContainEqual(expect.objectContaining({ type: 'login.failed' }));
  });

  it('asks token requests for a nonce (400 use_dpop_nonce, DPoP-Nonce) when nonces are required', async () => {
    const f = await authFixture({ dpop: { nonce: 'required' } });
    await f.call('POST', '/auth/register', { body: { email: EMAIL, password: PASSWORD } });
    const client = await createDpopProver({ clock: f.clock });
    const first = await f.call('POST', '/auth/login', {
      headers: { ...HOST, dpop: await client.proof('POST', `${ORIGIN}/auth/login`) },
      body: { email: EMAIL, password: PASSWORD },
    });
    expect([first.status, (first.body as { error: string }).error]).toEqual([400, 'use_dpop_nonce']);
    const nonce = first.headers['dpop-nonce']!;
    expect(nonce).toMatch(/^[a-z0-9]+\.[A-Za-z0-9_-]+$/);
    const second = await f.call('POST', '/auth/login', {
      headers: { ...HOST, dpop: await client.proof('POST', `${ORIGIN}/auth/login`, { nonce }) },
      body: { email: EMAIL, password: PASSWORD },
    });
    expect(second.status).toBe(200);
  });

  it('refuses one proof at a second instance sharing the stores', async () => {
    // Both fixtures' fake clocks start at the same instant; the shared stores read one of them.
    const clock = fakeClock();
    const stores = createMemoryStores({ clock });
    const a = await boundLogin({ stores });
    const b = await authFixture({ stores }, stores);
    const proof = await a.client.proof('GET', `${ORIGIN}/reports`, { accessToken: a.accessToken });
    await authenticateWith(a, a.client, a.accessToken, proof);
    const replay = await refusalOf(
      b.auth.authenticate({
        method: 'GET',
        url: '/reports',
        headers: { ...HOST, authorization: `DPoP ${a.accessToken}`, dpop: proof },
      }),
    );
    expect(replay.reason).toBe('replayed_jti');
  });

  it('answers a 403 of a DPoP request with the DPoP challenge', async () => {
    const f = await boundLogin();
    const context = await authenticateWith(f, f.client, f.accessToken);
    let refused: unknown;
    try {
      f.auth.authorize(context, requireRoles('admin'));
    } catch (error) {
      refused = error;
    }
    expect(isAuthError(refused) && refused.challenge).toBe('DPoP');
  });
});
