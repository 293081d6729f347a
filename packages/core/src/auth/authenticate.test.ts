import { describe, expect, it } from 'vitest';
import { authenticateNow } from '../adapter/authenticate-now.js';
import type { AuthError } from '../errors/auth-error.js';
import type { AuthRequest } from '../http/types.js';
import { isThenable } from '../lib/maybe-promise.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { authFixture, bearer } from '../testing/auth.js';
import type { AuthContext, AuthenticateOptions } from './authenticate.js';
import type { Auth } from './create-auth.js';

interface Outcome {
  /** Whether `authenticateNow` answered with the context or the refusal itself, rather than a promise. */
  synchronous: boolean;
  error: AuthError | null;
  context: AuthContext | undefined;
}

/** Calls `authenticateNow` and records whether it answered at once, and with what. */
async function answerOf(auth: Auth, request: AuthRequest, options?: AuthenticateOptions): Promise<Outcome> {
  let answer: ReturnType<typeof authenticateNow>;
  try {
    answer = authenticateNow(auth, request, options);
  } catch (error) {
    return { synchronous: true, error: error as AuthError, context: undefined };
  }
  if (!isThenable(answer)) return { synchronous: true, error: null, context: answer };
  return answer.then(
    (context) => ({ synchronous: false, error: null, context }),
    (error: unknown) => ({ synchronous: false, error: error as AuthError, context: undefined }),
  );
}

const get = (headers: Record<string, string>, url = '/me'): AuthRequest => ({ method: 'GET', url, headers });

describe('authenticateNow', () => {
  it('answers a known bearer token against a memory store with the context itself, as the promise form gives it', async () => {
    const { auth, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    // Presented twice, the token is in the verifier's cache (admitted on its second sighting).
    await auth.authenticate(get(bearer(accessToken)));
    await auth.authenticate(get(bearer(accessToken)));
    const outcome = await answerOf(auth, get(bearer(accessToken)));
    expect(outcome).toMatchObject({ synchronous: true, error: null });
    expect(outcome.context).toMatchObject({ method: 'bearer', subject: expect.any(String) });
    expect(Object.isFrozen(outcome.context)).toBe(true);
    expect(await auth.authenticate(get(bearer(accessToken)))).toEqual(outcome.context);
  });

  it('refuses as the promise form does: the same codes and statuses, a revoked cached token at once', async () => {
    const { auth, call, registerAndLogin } = await authFixture();
    const { accessToken } = await registerAndLogin();
    const cases: [AuthRequest, string, number][] = [
      [get(bearer(accessToken), `/me?access_token=${accessToken}`), 'invalid_request', 400],
      [get({ authorization: 'Basic abc' }), 'invalid_request', 401],
      [get({ authorization: 'Bearer not a token' }), 'invalid_request', 401],
      [get({ authorization: 'Bearer ' }), 'invalid_request', 401],
      [get(bearer('abc.def.ghi')), 'invalid_token', 401],
      [get(bearer(`${accessToken}=`)), 'invalid_token', 401],
      [get({}), 'invalid_request', 401],
    ];
    for (const [request, code, status] of cases) {
      const outcome = await answerOf(auth, request);
      expect(outcome.context).toBeUndefined();
      expect(outcome.error).toMatchObject({ code, status });
      await expect(auth.authenticate(request)).rejects.toMatchObject({ code, status });
    }
    // A revoked token is refused on the synchronous path too: the revocation check runs on every hit.
    await auth.authenticate(get(bearer(accessToken)));
    expect((await call('POST', '/auth/logout', { headers: bearer(accessToken) })).status).toBe(204);
    const revoked = await answerOf(auth, get(bearer(accessToken)));
    expect(revoked).toMatchObject({ synchronous: true, context: undefined });
    expect(revoked.error).toMatchObject({ code: 'invalid_token', status: 401 });
  });

  it('answers with a promise when a store answers asynchronously, and a failing store is 503', async () => {
    const stores = createMemoryStores();
    const memoryIsRevoked = stores.revocations.isRevoked;
    let failing = false;
    stores.revocations.isRevoked = async (check, now) => {
      if (failing) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return memoryIsRevoked(check, now);
    };
    const { auth, registerAndLogin } = await authFixture({}, stores);
    const { accessToken } = await registerAndLogin();
    const later = await answerOf(auth, get(bearer(accessToken)));
    expect(later).toMatchObject({ synchronous: false, error: null });
    expect(later.context).toMatchObject({ method: 'bearer' });
    failing = true;
    const down = await answerOf(auth, get(bearer(accessToken)));
    expect(down).toMatchObject({ synchronous: false, context: undefined });
    expect(down.error).toMatchObject({ code: 'temporarily_unavailable', status: 503 });
  });

  it('answers an auth built by hand with only the promise form through it', async () => {
    const context = { subject: 'svc', method: 'bearer' } as unknown as AuthContext;
    const handMade = { authenticate: async () => context };
    const answer = authenticateNow(handMade, get({}));
    expect(answer).toBeInstanceOf(Promise);
    expect(await answer).toBe(context);
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
