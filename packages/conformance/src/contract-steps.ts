// The steps the contract's tests take again and again — register, follow the mailed link, log in — over
// HTTP against one running demo.
import { expect } from 'vitest';
import { createClient, freshClientAddress, type Request } from './client.js';
import type { DemoProcess } from './demo-process.js';
import { ACCESS, REFRESH } from './fixtures.js';
import { expectContractMail } from './mail-expectations.js';
import type { Mail, MailKind } from './outbox.js';

/** One running demo as the tests see it. */
export interface ContractTarget {
  app: DemoProcess;
  http: Request;
  /** `APP_ORIGIN`: the app's base URL. */
  origin: string;
  /** The sender the app was started with (`MAIL_FROM`, or the contract's default). */
  mailFrom: { name: string; address: string };
  /** The password every `signIn` uses. */
  password: string;
  /** An `ADMIN_EMAILS` address that `adminSignIn` registers and verifies once. */
  admin: string;
  /** Set by the first `adminSignIn`. */
  adminReady?: Promise<void>;
}

/** A signed-in user: what login answered. */
export interface SignedIn {
  id: string;
  email: string;
  password: string;
  token: string;
  refresh: string;
  accessCookie: string;
  bearer: { authorization: string };
}

export function contractSteps(target: ContractTarget) {
  const { http, app } = target;
  const post = (path: string, body?: unknown, headers: Record<string, string> = {}) =>
    http('POST', path, { body, headers });

  /** The `count`-th mail of `kind` to `to` (waiting for it), checked against the contract's "Mail" rules. */
  async function mail(to: string, kind: MailKind, count = 1): Promise<Mail> {
    const mails = await app.outbox.waitFor(to, { kind, count });
    const latest = mails[count - 1]!;
    expectContractMail(latest, { to, kind, from: target.mailFrom, origin: target.origin });
    return latest;
  }

  /** Follows the `count`-th verification link mailed to `address`. */
  async function verify(address: string, count = 1) {
    const { token } = await mail(address, 'verify-email', count);
    const verified = await post('/auth/verify-email', { token });
    expect(verified.status, verified.text).toBe(200);
    return verified;
  }

  async function login(address: string, password = target.password): Promise<SignedIn> {
    const reply = await post('/auth/login', { email: address, password });
    expect(reply.status, reply.text).toBe(200);
    const token = reply.json['access_token'] as string;
    const me = await http('GET', '/me', { headers: { authorization: `Bearer ${token}` } });
    return {
      id: me.json['id'] as string,
      email: address,
      password,
      token,
      refresh: reply.cookie(REFRESH)!,
      accessCookie: reply.cookie(ACCESS)!,
      bearer: { authorization: `Bearer ${token}` },
    };
  }

  /** Registers (a 409 for a taken e-mail is fine), optionally follows the verification link, and logs in. */
  async function signIn(address: string, options: { verified?: boolean; password?: string } = {}) {
    const password = options.password ?? target.password;
    const created = await post('/auth/register', { email: address, password });
    if (options.verified && created.status === 201) await verify(address);
    return login(address, password);
  }

  /** The admin: registered once and verified through the outbox (only then does ADMIN_EMAILS count). */
  async function adminSignIn() {
    target.adminReady ??= (async () => {
      const created = await post('/auth/register', { email: target.admin, password: target.password });
      if (created.status === 201) await verify(target.admin);
    })();
    await target.adminReady;
    return login(target.admin);
  }

  /** A client the app has never seen (another loopback address): per-address limits start afresh. */
  const newClient = () => createClient(target.origin, { localAddress: freshClientAddress() });

  return { post, mail, verify, login, signIn, adminSignIn, newClient };
}
