// Test helper: a createAuth with memory stores, instrumented the way the README says, and a way to call its
// routes as an adapter would. Every secret a call sends or receives is remembered, for the redaction test.
import { createHmac } from 'node:crypto';
import {
  type Auth,
  type AuthEvent,
  createAuth,
  createMemoryMailer,
  createMemoryStores,
  createMemoryUserDirectory,
} from '@portcullis/core';
import type { AuthResponse } from '@portcullis/core/adapter';
import { instrumentAuth } from '../instrument-auth.js';
import { instrumentStores } from '../instrument-stores.js';
import { createOtelEventHandler } from '../otel-event-handler.js';
import type { TestTelemetry } from './telemetry.js';

export const ORIGIN = 'http://127.0.0.1:3000';
export const PEPPER = 'pepper-9bXr2TqLmV7nK4sW8eYc1ZaH6gJ3dF5u';
/** Body members that carry a secret or name a user. */
const SECRET_MEMBER = /token|password|secret|key|code|otpauth|email|^id$|^sub$|qr_svg/;

export interface Reply extends AuthResponse {
  json: Record<string, unknown>;
  /** A cookie's value as set by this reply. */
  cookie(name: string): string | undefined;
}

/** RFC 6238's code (SHA-1, 6 digits, 30 s) of a base32 secret at `nowMs`, as an authenticator app shows it. */
export function totpCode(base32: string, nowMs: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of base32.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  const bytes = Buffer.from((bits.match(/.{8}/g) ?? []).map((byte) => Number.parseInt(byte, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(nowMs / 30_000)));
  const mac = createHmac('sha1', bytes).update(counter).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, '0');
}

export async function instrumentedAuth(telemetry: TestTelemetry) {
  let now = Date.UTC(2026, 11, 5, 12);
  const clock = () => now;
  const providers = { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider };
  const stores = createMemoryStores({ clock });
  const mailer = createMemoryMailer();
  const events: AuthEvent[] = [];
  const secrets = new Set<string>();
  const auth: Auth = instrumentAuth(
    await createAuth({
      stores: instrumentStores(stores, providers),
      users: createMemoryUserDirectory(),
      issuer: ORIGIN,
      audience: 'portcullis-otel-test',
      appOrigin: ORIGIN,
      policy: {
        roles: { user: { permissions: ['reports:read'] }, admin: { inherits: ['user'] } },
      },
      registration: 'open',
      mail: { mailer, appName: 'portcullis otel test' },
      passwords: { argon2: { memoryCost: 512, timeCost: 1, parallelism: 1 } },
      roleFor: (email) => (email.startsWith('admin') ? 'admin' : 'user'),
      apiKeys: { pepper: PEPPER, scopes: ['reports:read'] },
      onEvent: createOtelEventHandler({ ...providers, next: (event) => events.push(event) }),
      clock,
    }),
    providers,
  );
  secrets.add(PEPPER);

  /** Remembers a secret (a string long enough to search for), or every one in an array. */
  function remember(value: unknown): void {
    if (typeof value === 'string') {
      if (value.length >= 6) secrets.add(value);
    } else if (Array.isArray(value)) value.forEach(remember);
  }
  /** Remembers the members of a JSON body that are secrets or name a user (tokens, keys, codes, e-mails, ids). */
  function rememberBody(body: unknown): void {
    if (typeof body !== 'object' || body === null) return;
    for (const [key, value] of Object.entries(body)) {
      if (SECRET_MEMBER.test(key)) remember(value);
      if (typeof value === 'object') rememberBody(value);
    }
  }

  /** Calls the route matching `method` and `path` as an adapter would; `url` may carry a query string. */
  async function call(
    method: 'GET' | 'POST' | 'DELETE',
    url: string,
    request: { body?: unknown; headers?: Record<string, string>; ip?: string } = {},
  ): Promise<Reply> {
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
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-type'] = 'application/json';
      rememberBody(request.body);
      remember(Object.values(request.headers ?? {}));
      // The query string of the URL (a credential there is refused, but it was sent).
      remember(url.split('?')[1]);
      const response = await route.handle({
        method,
        url,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        remoteAddress: request.ip ?? '127.0.0.1',
        params,
      });
      rememberBody(response.body);
      for (const cookie of response.cookies) {
        const value = cookie.split(';')[0]!.split('=').slice(1).join('=');
        remember(value);
      }
      const cookie = (name: string) => {
        const set = response.cookies.find((c) => c.startsWith(`${name}=`));
        const value = set?.split(';')[0]?.slice(name.length + 1);
        return value === '' ? undefined : value;
      };
      return { ...response, json: (response.body ?? {}) as Record<string, unknown>, cookie };
    }
    throw new Error(`no route for ${method} ${path}`);
  }

  return {
    auth,
    stores,
    mailer,
    events,
    secrets,
    remember,
    call,
    clock,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
