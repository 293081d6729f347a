import { describe, expect, it } from 'vitest';
import type { AuthError } from '../errors/auth-error.js';
import type { AuthRequest } from '../http/types.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { nodeCryptoBackend } from '../tokens/backends/node-crypto.js';
import { tokenSetup } from '../tokens/test-fixtures.js';
import { type AuthContext, type AuthenticateOptions, asBearerContext, withMethod } from './authenticate.js';
import type { Auth } from './create-auth.js';
import { authFixture, bearer } from './test-auth.js';

interface Outcome {
  /** Whether the callback had run by the time `authenticateCallback` returned. */
  synchronous: boolean;
  error: AuthError | null;
  context: AuthContext | undefined;
  calls: number;
}

/** Calls `authenticateCallback` and records when and how often it called back. */
function callBack(auth: Auth, request: AuthRequest, options?: AuthenticateOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let returned = false;
    const outcome: Outcome = { synchronous: false, error: null, context: undefined, calls: 0 };
    auth.authenticateCallback(request, options, (error, context) => {
      outcome.calls++;
      outcome.synchronous = !returned;
      outcome.error = error as AuthError | null;
      outcome.context = context;
      // Wait a few turns: a second call, had there been one, would show in `calls`.
      setTimeout(() => resolve(outcome), 5);
    });
    returned = true;
  });
}

const get = (headers: Record<string, string>, url = '/me'): AuthRequest => ({ method: 'GET', url, headers });

describe('authenticateCallback', () => {
  it('answers a known bearer token against a memory store synchronously, with the context the promise form gives', async () => {
    const { auth, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    // Presented twice, the token is in the verifier's cache (admitted on its second sighting).
    await auth.authenticate(get(bearer(accessToken)));
    await auth.authenticate(get(bearer(accessToken)));
    const outcome = await callBack(auth, get(bearer(accessToken)));
    expect(outcome).toMatchObject({ synchronous: true, error: null, calls: 1 });
    expect(outcome.context).toMatchObject({ method: 'bearer', subject: expect.any(String) });
    expect(await auth.authenticate(get(bearer(accessToken)))).toEqual(outcome.context);
  });

  it('reports every refusal through the callback, never as a throw', async () => {
    const { auth, call, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    const cases: [AuthRequest, string, number][] = [
      [get(bearer(accessToken), `/me?access_token=${accessToken}`), 'invalid_request', 400],
      [get({ authorization: 'Basic abc' }), 'invalid_request', 401],
      [get(bearer('abc.def.ghi')), 'invalid_token', 401],
      [get({}), 'invalid_request', 401],
    ];
    for (const [request, code, status] of cases) {
      const outcome = await callBack(auth, request);
      expect(outcome.calls).toBe(1);
      expect(outcome.context).toBeUndefined();
      expect(outcome.error).toMatchObject({ code, status });
    }
    // A revoked token is refused on the synchronous path too: the revocation check runs on every hit.
    expect((await call('POST', '/auth/logout', { headers: bearer(accessToken) })).status).toBe(204);
    const revoked = await callBack(auth, get(bearer(accessToken)));
    expect(revoked).toMatchObject({ synchronous: true, calls: 1, context: undefined });
    expect(revoked.error).toMatchObject({ code: 'invalid_token', status: 401 });
  });

  it('calls back later when a store answers asynchronously, and a failing store is 503', async () => {
    const stores = createMemoryStores();
    const memoryIsRevoked = stores.revocations.isRevoked;
    let failing = false;
    stores.revocations.isRevoked = async (check, now) => {
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return memoryIsRevoked(check, now);
    };
    const { auth, registerAndLogin } = await authFixture({}, stores);
    const { accessToken } = await registerAndLogin();
    const later = await callBack(auth, get(bearer(accessToken)));
    expect(later).toMatchObject({ synchronous: false, error: null, calls: 1 });
    expect(later.context).toMatchObject({ method: 'bearer' });
    failing = true;
    const down = await callBack(auth, get(bearer(accessToken)));
    expect(down).toMatchObject({ synchronous: false, calls: 1, context: undefined });
    expect(down.error).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
  });

  it('leaves an exception thrown by the callback to its caller instead of calling back a second time', async () => {
    const { auth, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    let calls = 0;
    expect(() =>
      auth.authenticateCallback(get(bearer(accessToken)), undefined, () => {
        calls++;
        throw new Error('the route handler failed');
      }),
    ).toThrow('the route handler failed');
    expect(calls).toBe(1);
  });
});

describe('asBearerContext', () => {
  it('is withMethod(principal, "bearer") field for field, in the same order, frozen', async () => {
    const { issuer, verifier } = await tokenSetup('EdDSA', nodeCryptoBackend);
    const { token } = await issuer.issue({ subject: 'user-1', roles: ['admin'], sessionId: 'family-1' });
    const principal = await verifier.verify(token);
    const context = asBearerContext(principal);
    expect(context).toStrictEqual(withMethod(principal, 'bearer'));
    expect(Object.keys(context)).toEqual([...Object.keys(principal), 'method']);
    expect(Object.isFrozen(context)).toBe(true);
  });
});

describe('a token with look-alike characters', () => {
  // Node's latin1 encoding keeps the low byte of each UTF-16 unit: U+0170 'Ű' signs and verifies as 'p' (0x70).
  const lookAlike = (token: string) => {
    const at = token.lastIndexOf('p', token.lastIndexOf('.') - 1);
    if (at < 0) throw new Error('no "p" before the signature in this token');
    return `${token.slice(0, at)}\u0170${token.slice(at + 1)}`;
  };
  const ACCESS = '__Host-portcullis-access';

  it('is refused on every path: access cookie, bearer header, logout, and the verifier itself', async () => {
    const fixture = await authFixture();
    // A token whose header or payload holds a 'p' (most do: "typ", "exp"…).
    const { accessToken } = await fixture.registerAndLogin();
    const forged = lookAlike(accessToken);
    expect(forged).not.toBe(accessToken);
    const get = (headers: Record<string, string>): AuthRequest => ({ method: 'GET', url: '/me', headers });
    await expect(fixture.auth.authenticate(get({ cookie: `${ACCESS}=${forged}` }))).rejects.toMatchObject({
      code: 'invalid_token',
    });
    await expect(fixture.auth.authenticate(get(bearer(forged)))).rejects.toMatchObject({
      code: 'invalid_request',
    });
    await expect(fixture.auth.verifier.verify(forged)).rejects.toMatchObject({
      code: 'invalid_token',
      reason: 'malformed_jws',
    });
    expect((await fixture.call('POST', '/auth/logout', { headers: bearer(forged) })).status).toBe(401);
  });
});
