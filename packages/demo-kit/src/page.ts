// The browser page every demo serves at `/`: register, log in, show /me, refresh, API keys, log out — with
// the HttpOnly cookies only. The script never reads a token: it does not even read the login response's
// body, and nothing is put in localStorage, sessionStorage or document.cookie.

export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  // No inline script or style: the page's code comes from /demo.js only.
  'content-security-policy':
    "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'cache-control': 'no-store',
});

export const SCRIPT_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/javascript; charset=utf-8',
  'cache-control': 'no-store',
});

export const STYLE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/css; charset=utf-8',
  'cache-control': 'no-store',
});

export function demoPage(app: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>portcullis demo (${app})</title>
<link rel="stylesheet" href="/demo.css">
<script src="/demo.js" defer></script>
</head>
<body>
<main>
  <h1>portcullis <small>${app} demo</small></h1>
  <p class="hint">Signed-in state lives in HttpOnly cookies only: this page's script never sees a token.</p>
  <section id="signed-out">
    <h2>Sign in</h2>
    <label>E-mail <input id="email" type="email" autocomplete="username" value=""></label>
    <label>Password <input id="password" type="password" autocomplete="current-password" value=""></label>
    <div class="row">
      <button id="register" type="button">Register</button>
      <button id="login" type="button">Log in</button>
    </div>
  </section>
  <section id="signed-in" hidden>
    <h2>Signed in</h2>
    <pre id="me"></pre>
    <div class="row">
      <button id="refresh" type="button">Refresh session</button>
      <button id="logout" type="button">Log out</button>
    </div>
    <h2>API keys</h2>
    <div class="row">
      <input id="key-name" placeholder="key name" value="reports">
      <label><input id="scope-read" type="checkbox" checked> reports:read</label>
      <label><input id="scope-write" type="checkbox"> reports:write</label>
      <button id="create-key" type="button">Create API key</button>
    </div>
    <p id="new-key" class="secret" hidden>New key (shown once): <code id="new-key-value"></code></p>
    <ul id="keys"></ul>
  </section>
  <p id="status" role="status"></p>
</main>
</body>
</html>
`;
}

export const DEMO_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1b1f24}
main{max-width:44rem;margin:2rem auto;padding:1.5rem 2rem;background:#fff;border-radius:8px;box-shadow:0 1px 3px #0002}
h1 small{font-weight:400;color:#667}label{display:block;margin:.4rem 0}input{font:inherit;padding:.3rem .4rem}
.row{display:flex;gap:.5rem;align-items:center;flex-wrap:wrap;margin:.5rem 0}button{font:inherit;padding:.35rem .8rem;cursor:pointer}
pre{background:#f0f2f5;padding:.6rem;border-radius:4px}.hint{color:#556}.secret code{word-break:break-all;background:#fff5d6;padding:.1rem .3rem}
#status{min-height:1.5em;color:#2d4a6b}ul{padding-left:1.2rem}`;

export const DEMO_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(path, init);
}
async function errorText(response) {
  try { const body = await response.json(); return body.error_description || body.error || String(response.status); }
  catch { return String(response.status); }
}
function credentials() { return { email: $('email').value, password: $('password').value }; }

async function showMe() {
  let response = await api('GET', '/me');
  if (response.status === 401) {
    // The access cookie expired (or is gone after a restart of the browser): use the refresh cookie.
    const refreshed = await api('POST', '/auth/refresh');
    await refreshed.body?.cancel();
    if (refreshed.ok) response = await api('GET', '/me');
  }
  if (!response.ok) { $('signed-in').hidden = true; $('signed-out').hidden = false; return false; }
  const me = await response.json();
  $('me').textContent = JSON.stringify(me, null, 2);
  $('signed-out').hidden = true; $('signed-in').hidden = false;
  await listKeys();
  return true;
}

async function listKeys() {
  const response = await api('GET', '/api-keys');
  const list = $('keys'); list.replaceChildren();
  if (!response.ok) return;
  for (const key of await response.json()) {
    const item = document.createElement('li');
    item.dataset.keyId = key.id;
    item.textContent = key.name + ' — ' + key.prefix + ' — ' + key.scopes.join(' ') + (key.revoked_at ? ' (revoked)' : '');
    list.append(item);
  }
}

$('register').addEventListener('click', async () => {
  const response = await api('POST', '/auth/register', credentials());
  status(response.ok ? 'Registered. Now log in.' : 'Register failed: ' + await errorText(response));
});
$('login').addEventListener('click', async () => {
  const response = await api('POST', '/auth/login', credentials());
  // The body carries the access token too (for API clients): this page never reads it.
  if (!response.ok) { status('Log in failed: ' + await errorText(response)); return; }
  await response.body?.cancel();
  $('password').value = '';
  status('Logged in.');
  await showMe();
});
$('refresh').addEventListener('click', async () => {
  const response = await api('POST', '/auth/refresh');
  await response.body?.cancel();
  status(response.ok ? 'Session refreshed (the refresh token was rotated).' : 'Refresh failed: ' + response.status);
  await showMe();
});
$('logout').addEventListener('click', async () => {
  const response = await api('POST', '/auth/logout');
  status(response.ok ? 'Logged out.' : 'Log out failed: ' + response.status);
  $('new-key').hidden = true;
  await showMe();
});
$('create-key').addEventListener('click', async () => {
  const scopes = [];
  if ($('scope-read').checked) scopes.push('reports:read');
  if ($('scope-write').checked) scopes.push('reports:write');
  const response = await api('POST', '/api-keys', { name: $('key-name').value, scopes });
  if (!response.ok) { status('Create failed: ' + await errorText(response)); return; }
  const created = await response.json();
  // An API key is a credential for a server, not for this page: shown once, kept nowhere.
  $('new-key-value').textContent = created.key; $('new-key').hidden = false;
  status('API key created.');
  await listKeys();
});
showMe();
`;
