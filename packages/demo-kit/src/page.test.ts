// The page's script run against a stand-in DOM (node:vm): what it requests, in which order, with which body.
// The real-browser journeys are packages/conformance/src/browser.test.ts and browser-mfa.test.ts.
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
  children: unknown[];
  addEventListener(type: string, listener: () => Promise<void>): void;
  replaceChildren(...nodes: unknown[]): void;
  append(node: unknown): void;
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
    children: [],
    addEventListener(type, listener) {
      this.listeners[type] = listener;
    },
    replaceChildren(...nodes) {
      this.children = nodes;
    },
    append(node) {
      this.children.push(node);
    },
  };
}

/** What the stand-in DOMParser makes of an SVG text: its root's name and the names of the elements in it. */
function parsedSvg(text: string) {
  const names = [...text.matchAll(/<([a-zA-Z][\w-]*)/g)].map((m) => m[1]!);
  return {
    namespaceURI: /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/.test(text)
      ? 'http://www.w3.org/2000/svg'
      : null,
    localName: names[0],
    attributes: {} as Record<string, string>,
    source: text,
    querySelectorAll: () => names.slice(1).map((localName) => ({ localName })),
    setAttribute(name: string, value: string) {
      this.attributes[name] = value;
    },
  };
}

/** A stand-in WebAuthn API: records what the page asks the authenticator, answers with a fixed credential. */
function fakeWebAuthn(refusal?: { name: string; message: string }) {
  const calls: { kind: string; options: unknown }[] = [];
  const credential = (kind: string) => ({ toJSON: () => ({ id: 'cred-1', type: 'public-key', kind }) });
  // A function (the page checks `typeof PublicKeyCredential === 'function'`) with the two static parsers.
  const PublicKeyCredential = Object.assign(() => undefined, {
    parseCreationOptionsFromJSON: (json: unknown) => ({ parsedCreation: json }),
    parseRequestOptionsFromJSON: (json: unknown) => ({ parsedRequest: json }),
  });
  const navigator = {
    credentials: {
      create: async (options: unknown) => {
        calls.push({ kind: 'create', options });
        if (refusal !== undefined) throw Object.assign(new Error(refusal.message), { name: refusal.name });
        return credential('attestation');
      },
      get: async (options: unknown) => {
        calls.push({ kind: 'get', options });
        return credential('assertion');
      },
    },
  };
  return { calls, PublicKeyCredential, navigator };
}

type Answer = { status: number; body?: unknown };

/** Runs DEMO_JS as if loaded at `http://127.0.0.1/<hash>`; `answers` maps "METHOD /path" to replies. */
function load(
  hash: string,
  answers: Record<string, Answer | Answer[]>,
  webauthnRefusal?: { name: string; message: string },
) {
  const log: string[] = [];
  const requests: { method: string; path: string; body: string | undefined }[] = [];
  const elements = new Map<string, FakeElement>();
  for (const id of pageIds) elements.set(id, element(new RegExp(`id="${id}"[^>]*\\shidden`).test(html)));
  const location = { hash, pathname: '/', search: '', hostname: '127.0.0.1' };
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
  const webauthn = fakeWebAuthn(webauthnRefusal);
  const context = {
    document: {
      getElementById: (id: string) => elements.get(id) ?? null,
      createElement: () => element(),
      importNode: (node: unknown) => ({ imported: node }),
    },
    DOMParser: class {
      parseFromString(text: string, type: string) {
        if (type !== 'image/svg+xml') throw new Error(`parsed as ${type}`);
        return { documentElement: parsedSvg(text) };
      }
    },
    navigator: webauthn.navigator,
    PublicKeyCredential: webauthn.PublicKeyCredential,
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
  const click = async (id: string) => {
    await elements.get(id)!.listeners['click']!();
  };
  const calls = () => requests.map((r) => `${r.method} ${r.path}`);
  return {
    log,
    requests,
    calls,
    el: (id: string) => elements.get(id)!,
    settle,
    click,
    webauthn: webauthn.calls,
  };
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

  it('keeps the CSP strict with second factors: no data: images, no eval, no inline script', () => {
    const csp = PAGE_HEADERS['content-security-policy']!;
    expect(csp).toContain("img-src 'self';");
    expect(csp).not.toMatch(/data:|blob:|unsafe-eval|unsafe-inline/);
    expect(DEMO_JS).not.toMatch(
      /\beval\(|new Function|innerHTML|outerHTML|insertAdjacentHTML|document\.write/,
    );
  });

  it('has the second-factor elements: second step, authenticator app, recovery codes, passkeys', () => {
    for (const id of [
      'passkey-login',
      'second-step',
      'mfa-code',
      'mfa-recovery-code',
      'mfa-verify',
      'mfa-use-recovery',
      'mfa-passkey',
      'totp-start',
      'totp-enrol',
      'totp-qr',
      'totp-secret',
      'totp-code',
      'totp-confirm',
      'recovery-codes',
      'recovery-codes-list',
      'passkey-add',
      'passkeys',
    ])
      expect(pageIds).toContain(id);
    for (const id of ['second-step', 'mfa-recovery-row', 'totp-enrol', 'recovery-codes'])
      expect(html).toMatch(new RegExp(`id="${id}"[^>]*\\shidden`));
  });

  it('asks for the second step when the login answers mfa_required, and posts {mfa_token, code}', async () => {
    const mfaToken = 'M'.repeat(43);
    const page = load('', {
      'POST /auth/login': {
        status: 401,
        body: {
          error: 'mfa_required',
          error_description: 'A second factor is required',
          mfa_token: mfaToken,
          mfa_methods: ['totp', 'webauthn', 'recovery_code'],
          expires_in: 300,
        },
      },
      'POST /auth/mfa/verify': [
        { status: 401, body: { error: 'invalid_credentials', error_description: 'Invalid code' } },
        { status: 200, body: { access_token: 'x', token_type: 'Bearer', expires_in: 900 } },
      ],
      'GET /me': [
        { status: 401, body: { error: 'invalid_token' } },
        { status: 200, body: { id: '1', email: 'm@example.com', role: 'user', email_verified: true } },
      ],
    });
    await page.settle();
    page.el('email').value = 'm@example.com';
    page.el('password').value = 'the password';
    await page.click('login');
    expect(page.el('second-step').hidden).toBe(false);
    expect(page.el('signed-out').hidden).toBe(true);
    expect(page.el('password').value).toBe('');
    expect(page.el('mfa-passkey').hidden).toBe(false);
    expect(page.el('status').textContent).toMatch(/code your authenticator app shows/);

    page.el('mfa-code').value = '000000';
    await page.click('mfa-verify');
    expect(page.el('status').textContent).toBe('Not accepted: Invalid code');
    expect(page.el('second-step').hidden).toBe(false);

    page.el('mfa-code').value = '123456';
    await page.click('mfa-verify');
    const verifies = page.requests.filter((r) => r.path === '/auth/mfa/verify').map((r) => r.body);
    expect(verifies).toEqual([
      JSON.stringify({ mfa_token: mfaToken, code: '000000' }),
      JSON.stringify({ mfa_token: mfaToken, code: '123456' }),
    ]);
    expect(page.el('second-step').hidden).toBe(true);
    expect(page.el('signed-in').hidden).toBe(false);
    expect(page.el('me').textContent).toContain('m@example.com');
    for (const request of page.requests.filter((r) => r.method === 'GET'))
      expect(request.path).not.toContain(mfaToken);
  });

  it('takes #mfa_token= out of the address bar and finishes with a recovery code', async () => {
    const mfaToken = 'T'.repeat(43);
    const page = load(`#mfa_token=${mfaToken}`, {
      'POST /auth/mfa/verify': { status: 200, body: { access_token: 'x', token_type: 'Bearer' } },
    });
    await page.settle();
    expect(page.log[0]).toBe('replaceState /');
    expect(page.calls()).toEqual(['GET /me', 'POST /auth/refresh']);
    expect(page.el('second-step').hidden).toBe(false);
    expect(page.el('signed-out').hidden).toBe(true);

    await page.click('mfa-use-recovery');
    expect(page.el('mfa-recovery-row').hidden).toBe(false);
    expect(page.el('mfa-code-row').hidden).toBe(true);
    page.el('mfa-recovery-code').value = 'ABCDE-FGHJK';
    await page.click('mfa-verify');
    expect(page.requests.find((r) => r.path === '/auth/mfa/verify')!.body).toBe(
      JSON.stringify({ mfa_token: mfaToken, recovery_code: 'ABCDE-FGHJK' }),
    );
    expect(page.el('second-step').hidden).toBe(true);
  });

  it('starts over when the mfa_token is refused as expired', async () => {
    const page = load(`#mfa_token=${'E'.repeat(43)}`, {
      'POST /auth/mfa/verify': {
        status: 401,
        body: { error: 'invalid_grant', error_description: 'Invalid or expired mfa_token' },
      },
    });
    await page.settle();
    page.el('mfa-code').value = '123456';
    await page.click('mfa-verify');
    expect(page.el('second-step').hidden).toBe(true);
    expect(page.el('signed-out').hidden).toBe(false);
    expect(page.el('status').textContent).toMatch(/expired: log in again/);
  });

  it('uses a passkey as the second step: options {mfa_token}, navigator.credentials.get, verify {mfa_token, webauthn}', async () => {
    const mfaToken = 'P'.repeat(43);
    const options = { challenge: 'c2hhbGxlbmdl', rpId: '127.0.0.1', allowCredentials: [] };
    const page = load(`#mfa_token=${mfaToken}`, {
      'POST /auth/passkeys/login/options': { status: 200, body: options },
      'POST /auth/mfa/verify': { status: 200, body: { access_token: 'x', token_type: 'Bearer' } },
    });
    await page.settle();
    await page.click('mfa-passkey');
    const optionsRequest = page.requests.find((r) => r.path === '/auth/passkeys/login/options')!;
    expect(optionsRequest.body).toBe(JSON.stringify({ mfa_token: mfaToken }));
    expect(page.webauthn).toEqual([{ kind: 'get', options: { publicKey: { parsedRequest: options } } }]);
    expect(page.requests.find((r) => r.path === '/auth/mfa/verify')!.body).toBe(
      JSON.stringify({
        mfa_token: mfaToken,
        webauthn: { id: 'cred-1', type: 'public-key', kind: 'assertion' },
      }),
    );
    expect(page.el('second-step').hidden).toBe(true);
  });

  it('signs in with a passkey alone: options {}, navigator.credentials.get, /auth/passkeys/login {response}', async () => {
    const options = { challenge: 'Y2hhbGxlbmdl', rpId: '127.0.0.1' };
    const page = load('', {
      'POST /auth/passkeys/login/options': { status: 200, body: options },
      'POST /auth/passkeys/login': { status: 200, body: { access_token: 'x', token_type: 'Bearer' } },
    });
    await page.settle();
    await page.click('passkey-login');
    expect(page.calls().slice(2, 4)).toEqual([
      'POST /auth/passkeys/login/options',
      'POST /auth/passkeys/login',
    ]);
    expect(page.requests[2]!.body).toBe('{}');
    expect(page.webauthn).toEqual([{ kind: 'get', options: { publicKey: { parsedRequest: options } } }]);
    expect(page.requests[3]!.body).toBe(
      JSON.stringify({ response: { id: 'cred-1', type: 'public-key', kind: 'assertion' } }),
    );
    expect(page.el('status').textContent).toBe('Logged in with a passkey.');
  });

  it('enrols an authenticator app: QR code parsed as SVG into the page, the secret shown, recovery codes once', async () => {
    const svg =
      '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect fill="white"/><path d="M0,0h1v1h-1z"/></svg>';
    const codes = Array.from({ length: 10 }, (_, i) => `AAAA${i}-BBBB${i}`);
    const signedIn = { id: '1', email: 'u@example.com', role: 'user', email_verified: true };
    const page = load('', {
      'GET /me': { status: 200, body: signedIn },
      'GET /api-keys': { status: 200, body: [] },
      'GET /auth/mfa': [
        { status: 200, body: { totp: false, passkeys: [], recovery_codes_left: 0 } },
        { status: 200, body: { totp: true, passkeys: [], recovery_codes_left: 10 } },
      ],
      'POST /auth/mfa/totp': {
        status: 200,
        body: { secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_svg: svg },
      },
      'POST /auth/mfa/totp/confirm': [
        { status: 400, body: { error: 'invalid_grant', error_description: 'Invalid code' } },
        { status: 200, body: { recovery_codes: codes } },
      ],
    });
    await page.settle();
    expect(page.el('mfa-state').textContent).toMatch(/^Authenticator app: off\./);
    expect(page.el('totp-start').hidden).toBe(false);

    await page.click('totp-start');
    expect(page.el('totp-enrol').hidden).toBe(false);
    expect(page.el('totp-secret').textContent).toBe('JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP');
    const [qr] = page.el('totp-qr').children as { imported: ReturnType<typeof parsedSvg> }[];
    expect(qr!.imported.source).toBe(svg);
    expect(qr!.imported.attributes).toMatchObject({ role: 'img' });

    page.el('totp-code').value = '000000';
    await page.click('totp-confirm');
    expect(page.el('status').textContent).toBe('Code not accepted: Invalid code');
    expect(page.el('totp-enrol').hidden).toBe(false);

    page.el('totp-code').value = '123456';
    await page.click('totp-confirm');
    expect(page.requests.filter((r) => r.path === '/auth/mfa/totp/confirm').at(-1)!.body).toBe(
      JSON.stringify({ code: '123456' }),
    );
    expect(page.el('totp-enrol').hidden).toBe(true);
    expect(page.el('totp-secret').textContent).toBe('');
    expect(page.el('recovery-codes').hidden).toBe(false);
    expect(
      (page.el('recovery-codes-list').children as { textContent: string }[]).map((li) => li.textContent),
    ).toEqual(codes);
    expect(page.el('totp-start').hidden).toBe(true);

    // Logging out takes the recovery codes off the page.
    await page.click('logout');
    expect(page.el('recovery-codes').hidden).toBe(true);
    expect(page.el('recovery-codes-list').children).toEqual([]);
  });

  it('puts no QR code in the page when the SVG holds anything but shapes', async () => {
    const page = load('', {
      'GET /me': {
        status: 200,
        body: { id: '1', email: 'u@example.com', role: 'user', email_verified: true },
      },
      'POST /auth/mfa/totp': {
        status: 200,
        body: {
          secret: 'S'.repeat(32),
          otpauth_uri: 'otpauth://totp/x',
          qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        },
      },
    });
    await page.settle();
    await page.click('totp-start');
    expect(page.el('totp-qr').children).toEqual([]);
    expect(page.el('totp-secret').textContent).toBe('S'.repeat(32));
  });

  it('adds a passkey: register/options, navigator.credentials.create, register {response, name}', async () => {
    const options = {
      challenge: 'Y2hhbGxlbmdl',
      rp: { id: '127.0.0.1', name: 'demo' },
      user: { id: 'MQ', name: 'u' },
    };
    const page = load('', {
      'GET /me': {
        status: 200,
        body: { id: '1', email: 'u@example.com', role: 'user', email_verified: true },
      },
      'POST /auth/passkeys/register/options': { status: 200, body: options },
      'POST /auth/passkeys/register': {
        status: 201,
        body: { id: 'cred-1', name: 'Laptop', created_at: '2025-01-01T00:00:00.000Z' },
      },
    });
    await page.settle();
    page.el('passkey-name').value = 'Laptop';
    await page.click('passkey-add');
    expect(page.webauthn).toEqual([{ kind: 'create', options: { publicKey: { parsedCreation: options } } }]);
    expect(page.requests.find((r) => r.path === '/auth/passkeys/register')!.body).toBe(
      JSON.stringify({ response: { id: 'cred-1', type: 'public-key', kind: 'attestation' }, name: 'Laptop' }),
    );
    expect(page.el('status').textContent).toMatch(/^Passkey "Laptop" added/);
  });

  it('explains a refused passkey on an IP address (browsers want a host name as RP ID)', async () => {
    const page = load(
      '',
      {
        'GET /me': {
          status: 200,
          body: { id: '1', email: 'u@example.com', role: 'user', email_verified: true },
        },
        'POST /auth/passkeys/register/options': { status: 200, body: { challenge: 'Y2g' } },
      },
      { name: 'SecurityError', message: 'This is an invalid domain.' },
    );
    await page.settle();
    await page.click('passkey-add');
    expect(page.el('status').textContent).toMatch(
      /^No passkey was created: passkeys need a host name.*HOST=localhost/,
    );
    expect(page.calls()).not.toContain('POST /auth/passkeys/register');
  });
});
