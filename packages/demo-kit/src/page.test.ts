// The page's script run against a stand-in DOM (node:vm): what it requests, in which order, with which body.
// The real-browser journey is packages/conformance/src/browser.test.ts.
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { DEMO_JS, demoPage, PAGE_HEADERS } from './page.js';

const TOKEN = 'A'.repeat(21) + '-_' + 'b'.repeat(20);
const html = demoPage('test');
const pageIds = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]!);

interface FakeElement {
  hidden: boolean;
  textContent: string;
  value: string;
  checked: boolean;
  dataset: Record<string, string>;
  onclick: (() => Promise<void>) | null;
  listeners: Record<string, () => Promise<void>>;
  addEventListener(type: string, listener: () => Promise<void>): void;
  replaceChildren(): void;
  append(): void;
}

function element(hidden = false): FakeElement {
  return {
    hidden,
    textContent: '',
    value: '',
    checked: false,
    dataset: {},
    onclick: null,
    listeners: {},
    addEventListener(type, listener) {
      this.listeners[type] = listener;
    },
    replaceChildren() {},
    append() {},
  };
}

type Answer = { status: number; body?: unknown };

/** Runs DEMO_JS as if loaded at `http://127.0.0.1/<hash>`; `answers` maps "METHOD /path" to replies. */
function load(hash: string, answers: Record<string, Answer | Answer[]>) {
  const log: string[] = [];
  const requests: { method: string; path: string; body: string | undefined }[] = [];
  const elements = new Map<string, FakeElement>();
  for (const id of pageIds) elements.set(id, element(new RegExp(`id="${id}"[^>]*\\shidden`).test(html)));
  const location = { hash, pathname: '/', search: '' };
  const reply = ({ status, body }: Answer) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const response = {
      status,
      ok: status >= 200 && status < 300,
      body: { cancel: async () => undefined },
      json: async () => JSON.parse(text),
      clone: () => response,
    };
    return response;
  };
  const context = {
    document: {
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: () => element(),
    },
    location,
    history: {
      replaceState(_state: unknown, _title: string, url: string) {
        log.push(`replaceState ${url}`);
        location.hash = '';
      },
    },
    window: { addEventListener() {} },
    fetch: async (path: string, init: { method: string; body?: string }) => {
      log.push(`${init.method} ${path}`);
      requests.push({ method: init.method, path, body: init.body });
      const key = `${init.method} ${path}`;
      const queued = answers[key];
      const answer = Array.isArray(queued) ? queued.shift() : queued;
      return reply(answer ?? { status: 401, body: { error: 'invalid_request' } });
    },
    JSON,
    String,
  };
  runInNewContext(DEMO_JS, context);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
  return { log, requests, el: (id: string) => elements.get(id)!, settle };
}

describe('the browser page', () => {
  it('has no inline script, style or event handler (the CSP allows only /demo.js)', () => {
    expect(PAGE_HEADERS['content-security-policy']).toContain("script-src 'self'");
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)/);
    expect(html).not.toMatch(/\son[a-z]+=/i);
    expect(html).not.toMatch(/style=/);
  });

  it('names only elements the page has', () => {
    const used = [...DEMO_JS.matchAll(/\$\('([^']+)'\)/g)].map((m) => m[1]!);
    expect(used.length).toBeGreaterThan(20);
    expect(used.filter((id) => !pageIds.includes(id))).toEqual([]);
  });

  it('takes a verification token out of the address bar before any request, then posts it in a JSON body', async () => {
    const page = load(`#verify-email=${TOKEN}`, {
      'POST /auth/verify-email': {
        status: 200,
        body: { id: '1', email: 'v@example.com', role: 'user', email_verified: true },
      },
    });
    await page.settle();
    expect(page.log[0]).toBe('replaceState /');
    expect(page.log[1]).toBe('POST /auth/verify-email');
    expect(page.requests[0]!.body).toBe(JSON.stringify({ token: TOKEN }));
    for (const request of page.requests) expect(request.path).not.toContain(TOKEN);
    expect(page.el('status').textContent).toBe('E-mail address v@example.com verified.');
  });

  it('says so when a verification link is refused', async () => {
    const page = load(`#verify-email=${TOKEN}`, {
      'POST /auth/verify-email': {
        status: 400,
        body: { error: 'invalid_grant', error_description: 'Invalid link' },
      },
    });
    await page.settle();
    expect(page.el('status').textContent).toMatch(/^Verification failed: Invalid link/);
  });

  it('asks for a new password on a reset link, keeps the token through a weak password, and posts {token,password}', async () => {
    const page = load(`#reset-password=${TOKEN}`, {
      'POST /auth/password/reset': [
        { status: 400, body: { error: 'weak_password', error_description: 'Too short' } },
        { status: 204 },
      ],
    });
    await page.settle();
    expect(page.log[0]).toBe('replaceState /');
    expect(page.requests.some((r) => r.path === '/auth/password/reset')).toBe(false);
    expect(page.el('reset-password').hidden).toBe(false);

    page.el('reset-new-password').value = 'short';
    await page.el('reset-submit').onclick!();
    expect(page.el('status').textContent).toMatch(/^Choose another password: Too short/);
    expect(page.el('reset-password').hidden).toBe(false);

    page.el('reset-new-password').value = 'a much longer new password';
    await page.el('reset-submit').onclick!();
    const resets = page.requests.filter((r) => r.path === '/auth/password/reset');
    expect(resets.map((r) => r.body)).toEqual([
      JSON.stringify({ token: TOKEN, password: 'short' }),
      JSON.stringify({ token: TOKEN, password: 'a much longer new password' }),
    ]);
    expect(page.el('reset-password').hidden).toBe(true);
    expect(page.el('reset-new-password').value).toBe('');
    expect(page.el('status').textContent).toMatch(/^Password changed/);
  });

  it('clears an unknown fragment too, and requests nothing with it', async () => {
    const page = load('#access_token=abc', {});
    await page.settle();
    expect(page.log[0]).toBe('replaceState /');
    expect(page.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['GET /me', 'POST /auth/refresh']);
  });

  it('shows the verified state and offers to resend only when unverified', async () => {
    const me = (verified: boolean) => ({
      status: 200,
      body: { id: '1', email: 'u@example.com', role: 'user', email_verified: verified },
    });
    const unverified = load('', { 'GET /me': me(false), 'GET /api-keys': { status: 200, body: [] } });
    await unverified.settle();
    expect(unverified.el('signed-in').hidden).toBe(false);
    expect(unverified.el('resend-verification').hidden).toBe(false);
    expect(unverified.el('verified-state').textContent).toMatch(/not verified/);
    await unverified.el('resend-verification').listeners['click']!();
    expect(unverified.requests.at(-1)).toMatchObject({ method: 'POST', path: '/auth/verify-email/resend' });

    const verified = load('', { 'GET /me': me(true), 'GET /api-keys': { status: 200, body: [] } });
    await verified.settle();
    expect(verified.el('resend-verification').hidden).toBe(true);
    expect(verified.el('verified-state').textContent).toBe('E-mail verified.');
  });

  it('posts forgot-password and change-password forms as the contract names their fields', async () => {
    const page = load('', {
      'POST /auth/password/forgot': { status: 202, body: {} },
      'POST /auth/password/change': { status: 200, body: { access_token: 'x', token_type: 'Bearer' } },
    });
    await page.settle();
    page.el('forgot-email').value = 'f@example.com';
    await page.el('forgot-send').listeners['click']!();
    expect(page.requests.at(-1)!.body).toBe(JSON.stringify({ email: 'f@example.com' }));
    expect(page.el('status').textContent).toMatch(/^If that address has an account/);

    page.el('current-password').value = 'old password here';
    page.el('changed-password').value = 'new password here';
    await page.el('change-password').listeners['click']!();
    const change = page.requests.find((r) => r.path === '/auth/password/change')!;
    expect(change.body).toBe(
      JSON.stringify({ current_password: 'old password here', new_password: 'new password here' }),
    );
    expect(page.el('current-password').value).toBe('');
    expect(page.el('changed-password').value).toBe('');
  });
});
