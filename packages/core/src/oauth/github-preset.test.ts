import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInFixture, tokenCookiesSet } from '../testing/openid-provider.js';
import { githubPreset } from './github-preset.js';

// A stand-in for GitHub (Enterprise Server layout: /login/oauth/… and /api/v3/…) on a loopback port,
// checking what GitHub checks: the client's Basic credentials, the code, the PKCE verifier, the redirect URI.
interface Grant {
  challenge: string;
  redirectUri: string;
}
const grants = new Map<string, Grant>();
const tokens = new Set<string>();
let emails: unknown = [];
let emailsStatus = 200;
let gitHubUser: unknown = { id: 583231, login: 'octocat' };
let tokenError: string | undefined;
let server: Server;
let base: string;

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8');
    });
    req.on('end', () => resolve(text));
  });
}

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://github.test');
    const json = (status: number, value: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value));
    if (req.method === 'POST' && url.pathname === '/login/oauth/access_token') {
      const form = new URLSearchParams(await body(req));
      // RFC 6749 §2.3.1: id and secret are form-urlencoded before the Basic encoding ("-" becomes %2D).
      const [id, secret] = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64')
        .toString('utf8')
        .split(':')
        .map((part) => decodeURIComponent(part.replace(/\+/g, ' ')));
      const credentials =
        req.headers.authorization === undefined
          ? [form.get('client_id'), form.get('client_secret')]
          : [id, secret];
      const grant = grants.get(form.get('code') ?? '');
      grants.delete(form.get('code') ?? '');
      const verifier = form.get('code_verifier') ?? '';
      // GitHub answers errors with 200 and an error body.
      if (tokenError !== undefined) return json(200, { error: tokenError });
      if (credentials[0] !== 'gh-client' || credentials[1] !== 'gh-secret')
        return json(200, { error: 'incorrect_client_credentials' });
      if (grant === undefined) return json(200, { error: 'bad_verification_code' });
      if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge)
        return json(200, { error: 'bad_verification_code' });
      if (form.get('redirect_uri') !== grant.redirectUri)
        return json(200, { error: 'redirect_uri_mismatch' });
      const token = `gho_${Math.random().toString(36).slice(2)}`;
      tokens.add(token);
      return json(200, { access_token: token, token_type: 'bearer', scope: 'read:user,user:email' });
    }
    if (req.method === 'GET' && url.pathname === '/api/v3/user') {
      if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return json(401, {});
      return json(200, gitHubUser);
    }
    if (req.method === 'GET' && url.pathname === '/api/v3/user/emails') {
      if (!tokens.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return json(401, {});
      return json(emailsStatus, emails);
    }
    json(404, {});
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

const github = () => ({
  github: githubPreset({ clientId: 'gh-client', clientSecret: 'gh-secret', enterpriseUrl: base }),
});

/** start → (GitHub's consent, simulated: a code bound to the challenge) → the callback with code and state. */
async function signIn(fixture: Awaited<ReturnType<typeof signInFixture>>) {
  const { location, cookie } = await fixture.start('github');
  const params = new URL(location).searchParams;
  const code = `code-${Math.random().toString(36).slice(2)}`;
  grants.set(code, { challenge: params.get('code_challenge')!, redirectUri: params.get('redirect_uri')! });
  return fixture.callback(`/auth/oauth/github/callback?code=${code}&state=${params.get('state')}`, cookie);
}

describe('githubPreset', () => {
  it('starts at GitHub’s authorize endpoint with PKCE and state, no nonce, the user:email scope', async () => {
    const fixture = await signInFixture(github());
    const { location } = await fixture.start('github');
    const url = new URL(location);
    expect(`${url.origin}${url.pathname}`).toBe(`${base}/login/oauth/authorize`);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'gh-client',
      redirect_uri: 'http://127.0.0.1:3000/auth/oauth/github/callback',
      scope: 'read:user user:email',
      state: expect.any(String),
      code_challenge: expect.any(String),
      code_challenge_method: 'S256',
    });
  });

  it('signs in with the verified primary e-mail from /user/emails', async () => {
    emails = [
      { email: 'octo@users.noreply.github.com', primary: false, verified: true },
      { email: 'Octo@Example.com', primary: true, verified: true },
    ];
    const fixture = await signInFixture(github());
    const result = await signIn(fixture);
    expect(result.status).toBe(302);
    expect(tokenCookiesSet(result)).toEqual(['__Host-portcullis-access', '__Host-portcullis-refresh']);
    const user = await fixture.users.findByEmail('octo@example.com');
    expect(user).toMatchObject({ role: 'user', passwordHash: null, emailVerified: true });
    // The account is named by GitHub's numeric id, not by the address.
    expect(await fixture.stores.identities.find(base, '583231')).toMatchObject({
      userId: user!.id,
      provider: 'github',
    });
  });

  it('refuses when /user has no numeric id (an e-mail alone never names an account)', async () => {
    emails = [{ email: 'octo@example.com', primary: true, verified: true }];
    gitHubUser = { login: 'octocat' };
    try {
      const fixture = await signInFixture(github());
      const result = await signIn(fixture);
      expect(result.status).toBe(400);
      expect(fixture.users.count()).toBe(0);
      expect(fixture.events).toContainEqual({
        type: 'oauth.refused',
        provider: 'github',
        reason: 'provider_failure',
      });
    } finally {
      gitHubUser = { id: 583231, login: 'octocat' };
    }
  });

  it.each([
    [
      'an unverified primary e-mail',
      [{ email: 'octo@example.com', primary: true, verified: false }],
      'email_unverified',
    ],
    [
      'a verified flag that is not a boolean',
      [{ email: 'octo@example.com', primary: true, verified: 'true' }],
      'email_unverified',
    ],
    ['no primary e-mail', [{ email: 'octo@example.com', primary: false, verified: true }], 'email_missing'],
    ['an answer that is not a list', { message: 'nope' }, 'provider_failure'],
  ])('refuses %s', async (_label, list, reason) => {
    emails = list;
    const fixture = await signInFixture(github());
    const result = await signIn(fixture);
    expect(result.status).toBe(400);
    expect(tokenCookiesSet(result)).toEqual([]);
    expect(fixture.users.count()).toBe(0);
    expect(fixture.events).toContainEqual({ type: 'oauth.refused', provider: 'github', reason });
  });

  it.each([
    ['no subject', undefined, 'subject_missing'],
    ['an empty subject', '', 'subject_missing'],
    ['a subject with a lone surrogate', 'user\uD800', 'subject_malformed'],
    ['a subject over 255 characters', 'x'.repeat(256), 'subject_malformed'],
  ])('refuses an OAuth 2.0 provider answering %s', async (_label, subject, reason) => {
    const custom = {
      type: 'oauth2' as const,
      issuer: base,
      authorizationEndpoint: `${base}/login/oauth/authorize`,
      tokenEndpoint: `${base}/login/oauth/access_token`,
      clientId: 'gh-client',
      clientSecret: 'gh-secret',
      scopes: ['read:user'],
      userEmail: async () => ({ email: 'octo@example.com', verified: true, subject: subject as string }),
    };
    const fixture = await signInFixture({ github: custom });
    const result = await signIn(fixture);
    expect(result.status).toBe(400);
    expect(fixture.users.count()).toBe(0);
    expect(fixture.events).toContainEqual({ type: 'oauth.refused', provider: 'github', reason });
  });

  it('refuses when the e-mail API fails, and when GitHub refuses the code (its errors come with status 200)', async () => {
    emails = [{ email: 'octo@example.com', primary: true, verified: true }];
    emailsStatus = 502;
    const failing = await signInFixture(github());
    expect((await signIn(failing)).status).toBe(400);
    emailsStatus = 200;
    tokenError = 'bad_verification_code';
    const refused = await signInFixture(github());
    expect((await signIn(refused)).status).toBe(400);
    tokenError = undefined;
    expect(refused.users.count() + failing.users.count()).toBe(0);
  });

  it('refuses a callback whose PKCE verifier does not match (a code obtained for another sign-in)', async () => {
    emails = [{ email: 'octo@example.com', primary: true, verified: true }];
    const fixture = await signInFixture(github());
    const first = await fixture.start('github');
    const second = await fixture.start('github');
    const code = 'code-for-the-first-sign-in';
    grants.set(code, {
      challenge: new URL(first.location).searchParams.get('code_challenge')!,
      redirectUri: 'http://127.0.0.1:3000/auth/oauth/github/callback',
    });
    const state = new URL(second.location).searchParams.get('state');
    const result = await fixture.callback(
      `/auth/oauth/github/callback?code=${code}&state=${state}`,
      second.cookie,
    );
    expect(result.status).toBe(400);
    expect(fixture.users.count()).toBe(0);
  });

  it('can send the secret with client_secret_post instead', async () => {
    emails = [{ email: 'post@example.com', primary: true, verified: true }];
    const fixture = await signInFixture({
      github: githubPreset({
        clientId: 'gh-client',
        clientSecret: 'gh-secret',
        enterpriseUrl: base,
        tokenEndpointAuthMethod: 'client_secret_post',
      }),
    });
    expect((await signIn(fixture)).status).toBe(302);
  });

  it('refuses an enterpriseUrl that is not https (plain http only on loopback)', async () => {
    await expect(
      signInFixture({
        github: githubPreset({
          clientId: 'a',
          clientSecret: 'b',
          enterpriseUrl: 'http://github.example.com',
        }),
      }),
    ).rejects.toThrow(TypeError);
  });
});
