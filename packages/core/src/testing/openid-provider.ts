// Test helpers for the OAuth tests; not part of the package's public API (excluded from `files`).
// A real OpenID provider (panva's oidc-provider) on a loopback port, behind a small front server that
// drives the login interaction without a browser and can make the provider misbehave on demand.
import { createServer, type IncomingMessage, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK, SignJWT } from 'jose';
import Provider, { errors } from 'oidc-provider';
import type { AuthOAuthOptions } from '../auth/create-auth.js';
import type { AuthStores } from '../stores/auth-stores.js';
import { type AuthFixtureOptions, authFixture } from './auth.js';
import { fakeClock } from './token-fixtures.js';

export const APP_ORIGIN = 'http://127.0.0.1:3000';
export const CLIENT_ID = 'portcullis-app';
export const CLIENT_SECRET = 'app-secret-7Kq2vX9mR4tL8wZ3nB6cJ1hF5yD0sG';
export const SERVICE_ID = 'reports-service';
export const SERVICE_SECRET = 'service-secret-3Hn8pV2xQ7kT5mW9rC4jL6bF1zY0dS';
export const API = 'https://api.example.test';

/** Test users, by account id: what the provider says about each one's e-mail. */
export const ACCOUNTS: Record<string, Record<string, unknown>> = {
  alice: { email: 'Alice@Example.com', email_verified: true },
  admin: { email: 'admin@example.com', email_verified: true },
  bob: { email: 'bob@example.com', email_verified: false },
  carol: { email: 'carol@example.com', email_verified: 'true' },
  dave: { email: 'dave@example.com' },
  erin: { email: 'erin@example.com', xms_edov: true },
};

export type Failure = 'status-500' | 'hang';

export interface TestProvider {
  readonly issuer: string;
  readonly provider: Provider;
  /** The provider's private signing key (to forge tokens the provider would never issue). */
  readonly signingKey: JWK;
  /** Which account the next login interaction signs in, or `'deny'` to refuse it (access_denied). */
  loginAs: string;
  /** Requests seen by path (`/token`, `/me`, `/jwks`, `/.well-known/openid-configuration`…). */
  readonly hits: Map<string, number>;
  /** Makes a path fail: a 500, or no answer at all. */
  readonly failures: Map<string, Failure>;
  /** Rewrites the JSON body the provider answered on a path (e.g. a forged `id_token`). */
  readonly rewrites: Map<
    string,
    (body: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>
  >;
  /** Signs a JWT as this provider (its key and `kid`) unless other options say otherwise. */
  sign(
    claims: Record<string, unknown>,
    options?: { alg?: string; key?: JWK; kid?: string; typ?: string },
  ): Promise<string>;
  close(): Promise<void>;
}

async function rsaKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256', use: 'sig' };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)),
  );
}

/** Starts an OpenID provider on 127.0.0.1. `conformIdTokenClaims: false` puts the e-mail in the ID token. */
export async function startTestProvider(
  options: { conformIdTokenClaims?: boolean; redirectUris?: string[] } = {},
): Promise<TestProvider> {
  const front = createServer();
  const port = await listen(front);
  const issuer = `http://127.0.0.1:${port}`;
  const signingKey = await rsaKey(`key-${port}`);
  const redirectUris =
    options.redirectUris ?? ['oidc', 'other', 'google'].map((p) => `${APP_ORIGIN}/auth/oauth/${p}/callback`);

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
      {
        client_id: SERVICE_ID,
        client_secret: SERVICE_SECRET,
        redirect_uris: [],
        response_types: [],
        grant_types: ['client_credentials'],
        token_endpoint_auth_method: 'client_secret_basic',
        scope: 'reports:read reports:write',
      },
    ],
    jwks: { keys: [signingKey] },
    scopes: ['openid', 'offline_access', 'email', 'reports:read', 'reports:write'],
    cookies: { keys: ['cookie-key-for-tests-only-Vt3sK8qW2mX7'] },
    claims: { openid: ['sub'], email: ['email', 'email_verified', 'xms_edov'] },
    ttl: {
      AccessToken: 300,
      AuthorizationCode: 60,
      ClientCredentials: 300,
      Grant: 600,
      IdToken: 300,
      Interaction: 600,
      Session: 600,
    },
    conformIdTokenClaims: options.conformIdTokenClaims ?? true,
    findAccount: async (_ctx, id) =>
      ACCOUNTS[id] === undefined
        ? undefined
        : { accountId: id, claims: async () => ({ sub: id, ...ACCOUNTS[id] }) },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: async (_ctx, _client, oneOf) => oneOf,
        useGrantedResource: async () => false,
        getResourceServerInfo: async (_ctx, resource) => {
          if (resource !== API) throw new errors.InvalidTarget();
          return {
            scope: 'reports:read reports:write',
            audience: API,
            accessTokenTTL: 300,
            accessTokenFormat: 'jwt',
            jwt: { sign: { alg: 'RS256' } },
          };
        },
      },
    },
  });
  const internal = createServer(provider.callback());
  const internalPort = await listen(internal);

  const hits = new Map<string, number>();
  const failures = new Map<string, Failure>();
  const rewrites: TestProvider['rewrites'] = new Map();
  const hanging = new Set<ServerResponse>();

  const test: TestProvider = {
    issuer,
    provider,
    signingKey,
    loginAs: 'alice',
    hits,
    failures,
    rewrites,
    async sign(claims, signOptions = {}) {
      const alg = signOptions.alg ?? 'RS256';
      const header = {
        alg,
        kid: signOptions.kid ?? signingKey.kid!,
        ...(signOptions.typ ? { typ: signOptions.typ } : {}),
      };
      const { importJWK } = await import('jose');
      const key = await importJWK(signOptions.key ?? signingKey, alg);
      return new SignJWT(claims).setProtectedHeader(header).sign(key);
    },
    async close() {
      for (const res of hanging) res.destroy();
      await new Promise((resolve) => front.close(resolve));
      await new Promise((resolve) => internal.close(resolve));
      front.closeAllConnections();
      internal.closeAllConnections();
    },
  };

  async function interaction(req: IncomingMessage, res: ServerResponse) {
    const details = await provider.interactionDetails(req, res);
    if (test.loginAs === 'deny') {
      await provider.interactionFinished(
        req,
        res,
        { error: 'access_denied', error_description: 'The user said no' },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    const accountId = test.loginAs;
    const grant = new provider.Grant({ accountId, clientId: String(details.params['client_id']) });
    grant.addOIDCScope(String(details.params['scope']));
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  front.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', issuer).pathname;
    hits.set(path, (hits.get(path) ?? 0) + 1);
    const failure = failures.get(path);
    if (failure === 'hang') {
      hanging.add(res);
      return;
    }
    if (failure === 'status-500') {
      res.writeHead(500, { 'content-type': 'text/html' }).end('<h1>Internal Server Error</h1>');
      return;
    }
    const handle = path.startsWith('/interaction/') ? interaction(req, res) : forward(req, res, path);
    handle.catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });

  async function forward(req: IncomingMessage, res: ServerResponse, path: string) {
    const body = await readBody(req);
    // Host stays the issuer's: oidc-provider builds the URLs of its metadata from it.
    const answer = await new Promise<IncomingMessage>((resolve, reject) => {
      const upstream = request(
        { host: '127.0.0.1', port: internalPort, method: req.method, path: req.url, headers: req.headers },
        resolve,
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
    let text = (await readBody(answer)).toString('utf8');
    const headers = { ...answer.headers };
    const rewrite = rewrites.get(path);
    if (rewrite !== undefined && answer.statusCode === 200) {
      text = JSON.stringify(await rewrite(JSON.parse(text)));
      delete headers['content-length'];
      delete headers['etag'];
    }
    res.writeHead(answer.statusCode ?? 502, headers).end(text);
  }

  return test;
}

/** A browser's cookies at the provider, for following its redirects with fetch. */
export function cookieJar() {
  const cookies = new Map<string, string>();
  return {
    header: () => [...cookies].map(([name, value]) => `${name}=${value}`).join('; '),
    store(setCookies: string[]) {
      for (const line of setCookies) {
        const pair = line.split(';')[0]!;
        const eq = pair.indexOf('=');
        const name = pair.slice(0, eq).trim();
        const value = pair.slice(eq + 1).trim();
        const expired = /max-age=0/i.test(line) || /expires=thu, 01 jan 1970/i.test(line);
        if (expired || value === '') cookies.delete(name);
        else cookies.set(name, value);
      }
    },
  };
}

/**
 * Follows the provider's redirects from an authorization URL, as a browser would, until it is sent back to
 * the app: returns that callback URL's path and query.
 */
export async function followToCallback(location: string, jar = cookieJar()): Promise<string> {
  let url = location;
  for (let hop = 0; hop < 10; hop++) {
    if (url.startsWith(`${APP_ORIGIN}/`)) return url.slice(APP_ORIGIN.length);
    const response = await fetch(url, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.store(response.headers.getSetCookie());
    const next = response.headers.get('location');
    if (next === null)
      throw new Error(`provider answered ${response.status} without a redirect: ${await response.text()}`);
    await response.body?.cancel();
    url = new URL(next, url).href;
  }
  throw new Error('too many redirects');
}

/** A browser at the app: `createAuth`'s routes called as an adapter would, with OAuth providers configured. */
export async function signInFixture(
  providers: NonNullable<AuthOAuthOptions['providers']>,
  overrides: AuthFixtureOptions = {},
  stores?: AuthStores,
) {
  const clock = fakeClock(Date.now());
  const fixture = await authFixture(
    { appOrigin: APP_ORIGIN, clock, ...overrides, oauth: { ...overrides.oauth, providers } },
    stores,
  );
  const { call } = fixture;

  /** `GET /auth/oauth/<name>/start`: the authorization URL and the state cookie as the browser sends it back. */
  async function start(name = 'oidc') {
    const response = await call('GET', `/auth/oauth/${name}/start`);
    const setCookie = response.cookies[0] ?? '';
    return { response, location: response.headers['location'] ?? '', cookie: setCookie.split(';')[0]! };
  }

  /** `GET <callback path>` with the state cookie. */
  function callback(path: string, cookie?: string) {
    return call('GET', path, cookie === undefined ? {} : { headers: { cookie } });
  }

  /** start → the provider's login (whoever `idp.loginAs` names) → back at the callback, not yet called. */
  async function authorize(name = 'oidc') {
    const started = await start(name);
    return { ...started, callbackPath: await followToCallback(started.location) };
  }

  /** The whole round trip. */
  async function signIn(name = 'oidc') {
    const authorized = await authorize(name);
    return { ...authorized, result: await callback(authorized.callbackPath, authorized.cookie) };
  }

  return { ...fixture, clock, start, callback, authorize, signIn };
}

/** Names of the token cookies a response sets (a refused callback must set none). */
export function tokenCookiesSet(response: { cookies: string[] }): string[] {
  return response.cookies
    .map((c) => c.slice(0, c.indexOf('=')))
    .filter((name) => name === '__Host-portcullis-access' || name === '__Host-portcullis-refresh');
}

/** Replaces one parameter of a callback path (or removes it with `null`). */
export function withParam(path: string, name: string, value: string | null): string {
  const url = new URL(path, APP_ORIGIN);
  if (value === null) url.searchParams.delete(name);
  else url.searchParams.set(name, value);
  return `${url.pathname}${url.search}`;
}

/** The claims of a JWT, unverified (to forge a variant of a real one). */
export function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}
