// Test helpers for the auth-flow tests; not part of the package's public API (excluded from `files`).

import {
  type Auth,
  type AuthApiKeyOptions,
  type CreateAuthOptions,
  createAuth,
} from '../auth/create-auth.js';
import { createMemoryUserDirectory } from '../auth/user-directory.js';
import type { AuthResponse } from '../http/types.js';
import type { AuthStores } from '../stores/auth-stores.js';
import { createMemoryStores } from '../stores/memory/create-memory-stores.js';
import { createTestMailer } from './mailer.js';
import { fakeClock } from './token-fixtures.js';

export const ORIGIN = 'http://127.0.0.1:3000';
export const PEPPER = 'pepper-9bXr2TqLmV7nK4sW8eYc1ZaH6gJ3dF5u';
export const PASSWORD = 'correct horse battery staple';

export interface Call {
  headers?: Record<string, string | string[]>;
  body?: unknown;
  ip?: string;
}

export interface Result extends AuthResponse {
  cookie(name: string): string | undefined;
  setCookie(name: string): string | undefined;
}

function withCookieAccess(response: AuthResponse): Result {
  const setCookie = (name: string) => response.cookies.find((c) => c.startsWith(`${name}=`));
  return {
    ...response,
    setCookie,
    cookie: (name) => {
      const value = setCookie(name)
        ?.split(';')[0]
        ?.slice(name.length + 1);
      return value === '' ? undefined : value;
    },
  };
}

/** Options over the fixture's: each replaces the fixture's whole, but for `apiKeys`, merged over `{ pepper, scopes }`. */
export type AuthFixtureOptions = Partial<Omit<CreateAuthOptions, 'apiKeys'>> & {
  apiKeys?: Partial<AuthApiKeyOptions>;
};

export async function authFixture(overrides: AuthFixtureOptions = {}, given?: AuthStores) {
  const clock = fakeClock();
  // The stores read the same clock as core: an entry core dates by the fake clock (a spent OAuth state, a
  // revocation) must not look long expired to a store reading the real one.
  const stores = given ?? createMemoryStores({ clock });
  const users = createMemoryUserDirectory();
  const mailer = createTestMailer();
  const events: unknown[] = [];
  const auth: Auth = await createAuth({
    stores,
    users,
    issuer: ORIGIN,
    audience: 'portcullis-demo',
    appOrigin: ORIGIN,
    policy: {
      roles: { user: { permissions: ['reports:read', 'reports:write'] }, admin: { inherits: ['user'] } },
    },
    registration: 'open',
    mail: { mailer, appName: 'portcullis test' },
    passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
    roleFor: (email) => (email === 'admin@example.com' ? 'admin' : 'user'),
    onEvent: (event) => events.push(event),
    clock,
    ...overrides,
    apiKeys: { pepper: PEPPER, scopes: ['reports:read', 'reports:write'], ...overrides.apiKeys },
  });

  /** Calls the route matching `method` and `url` as an adapter would. */
  async function call(method: string, url: string, request: Call = {}): Promise<Result> {
    const path = url.split('?')[0]!;
    for (const route of auth.routes) {
      if (route.method !== method) continue;
      const names: string[] = [];
      const pattern = new RegExp(
        `^${route.path.replace(/:([a-z]+)/g, (_, name: string) => {
          names.push(name);
          return '([^/]+)';
        })}$`,
      );
      const match = pattern.exec(path);
      if (match === null) continue;
      const params = Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
      const headers = Object.fromEntries(
        Object.entries(request.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
      );
      if (request.body !== undefined && headers['content-type'] === undefined)
        headers['content-type'] = 'application/json';
      const body =
        request.body === undefined
          ? undefined
          : typeof request.body === 'string'
            ? request.body
            : JSON.stringify(request.body);
      return withCookieAccess(
        await route.handle({ method, url, headers, body, ip: request.ip ?? '127.0.0.1', params }),
      );
    }
    throw new Error(`no route for ${method} ${path}`);
  }

  /** Follows the newest verification link mailed to `email`. */
  async function verify(email: string) {
    const token = mailer.linkToken(email, 'verify_email');
    if (token === undefined) throw new Error(`no verification mail to ${email}`);
    return call('POST', '/auth/verify-email', { body: { token } });
  }

  async function registerAndLogin(
    email = 'alice@example.com',
    password = PASSWORD,
    options = { verified: false },
  ) {
    const registered = await call('POST', '/auth/register', { body: { email, password } });
    if (options.verified) await verify(email);
    const login = await call('POST', '/auth/login', { body: { email, password } });
    const body = login.body as { access_token: string };
    return {
      id: (registered.body as { id: string }).id,
      login,
      accessToken: body.access_token,
      refreshToken: login.cookie('__Host-portcullis-refresh')!,
      accessCookie: login.cookie('__Host-portcullis-access')!,
    };
  }

  return { auth, users, clock, events, call, registerAndLogin, verify, mailer, stores };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
export const cookieHeader = (cookies: Record<string, string>) => ({
  cookie: Object.entries(cookies)
    .map(([k, v]) => `${k}=${v}`)
    .join('; '),
});
