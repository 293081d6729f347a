// The browser page every demo serves at `/`: register, log in, show /me, refresh, API keys, log out, verify
// the e-mail, reset and change the password — with the HttpOnly cookies only. The script never reads an
// access or refresh token: it does not even read the login response's body, and nothing is put in
// localStorage, sessionStorage or document.cookie. The one-time token of a mailed link arrives in the URL
// fragment: the script takes it out of the address bar before anything else and posts it in a JSON body.

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
  <section id="reset-password" hidden>
    <h2>Choose a new password</h2>
    <label>New password <input id="reset-new-password" type="password" autocomplete="new-password" value=""></label>
    <div class="row"><button id="reset-submit" type="button">Set new password</button></div>
  </section>
  <section id="signed-out">
    <h2>Sign in</h2>
    <label>E-mail <input id="email" type="email" autocomplete="username" value=""></label>
    <label>Password <input id="password" type="password" autocomplete="current-password" value=""></label>
    <div class="row">
      <button id="register" type="button">Register</button>
      <button id="login" type="button">Log in</button>
    </div>
    <h3>Forgot your password?</h3>
    <div class="row">
      <input id="forgot-email" type="email" autocomplete="username" placeholder="e-mail" value="">
      <button id="forgot-send" type="button">Mail me a reset link</button>
    </div>
  </section>
  <section id="signed-in" hidden>
    <h2>Signed in</h2>
    <pre id="me"></pre>
    <div class="row">
      <span id="verified-state"></span>
      <button id="resend-verification" type="button" hidden>Resend verification mail</button>
    </div>
    <div class="row">
      <button id="refresh" type="button">Refresh session</button>
      <button id="logout" type="button">Log out</button>
    </div>
    <h2>Change password</h2>
    <label>Current password <input id="current-password" type="password" autocomplete="current-password" value=""></label>
    <label>New password <input id="changed-password" type="password" autocomplete="new-password" value=""></label>
    <div class="row"><button id="change-password" type="button">Change password</button></div>
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

// A mailed link's one-time token, taken out of the address bar before any request (so that no later
// navigation, bookmark or history entry carries it); it then lives only in this variable until posted.
function takeLinkToken() {
  const fragment = location.hash;
  if (fragment.length <= 1) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const match = /^#(verify-email|reset-password)=([A-Za-z0-9_-]{1,256})$/.exec(fragment);
  return match ? { kind: match[1], token: match[2] } : { kind: 'unknown', token: '' };
}

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (body !== undefined) { init.headers['content-type'] = 'application/json'; init.body = JSON.stringify(body); }
  return fetch(path, init);
}
async function errorText(response) {
  try { const body = await response.json(); return body.error_description || body.error || String(response.status); }
  catch { return String(response.status); }
}
async function errorCode(response) {
  try { return (await response.clone().json()).error; } catch { return undefined; }
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
  $('verified-state').textContent = me.email_verified ? 'E-mail verified.' : 'E-mail not verified yet: follow the link in the mail we sent.';
  $('resend-verification').hidden = me.email_verified === true;
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

async function verifyEmail(token) {
  status('Verifying your e-mail address…');
  const response = await api('POST', '/auth/verify-email', { token });
  if (response.ok) {
    const account = await response.json();
    status('E-mail address ' + account.email + ' verified.');
  } else {
    status('Verification failed: ' + await errorText(response) + ' (the link works once; ask for a new mail when signed in).');
  }
}

// The reset token stays in this closure until a new password is accepted, so a weak password can be retried.
function offerReset(token) {
  $('reset-password').hidden = false;
  status('Choose a new password.');
  $('reset-submit').onclick = async () => {
    const response = await api('POST', '/auth/password/reset', { token, password: $('reset-new-password').value });
    if (response.ok) {
      $('reset-new-password').value = ''; $('reset-password').hidden = true; token = '';
      status('Password changed: every session was signed out. Log in with the new password.');
      await showMe();
    } else if (await errorCode(response) === 'weak_password') {
      status('Choose another password: ' + await errorText(response));
    } else {
      $('reset-password').hidden = true; token = '';
      status('Reset failed: ' + await errorText(response) + ' (ask for a new link).');
    }
  };
}

async function followLink() {
  const link = takeLinkToken();
  if (link === null) return;
  if (link.kind === 'verify-email') await verifyEmail(link.token);
  else if (link.kind === 'reset-password') offerReset(link.token);
  else status('This link is not one this page knows.');
}

$('register').addEventListener('click', async () => {
  const response = await api('POST', '/auth/register', credentials());
  status(response.ok ? 'Registered. We sent you a mail to verify your address. Now log in.' : 'Register failed: ' + await errorText(response));
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
$('forgot-send').addEventListener('click', async () => {
  const response = await api('POST', '/auth/password/forgot', { email: $('forgot-email').value });
  await response.body?.cancel();
  // The same answer whether or not the address has an account: the page cannot tell, and says so.
  status(response.ok ? 'If that address has an account, a reset link is on its way.' : 'Reset request failed: ' + response.status);
});
$('resend-verification').addEventListener('click', async () => {
  const response = await api('POST', '/auth/verify-email/resend');
  status(response.ok ? 'A new verification mail is on its way; links in earlier mails no longer work.' : 'Resend failed: ' + await errorText(response));
  await response.body?.cancel();
});
$('change-password').addEventListener('click', async () => {
  const response = await api('POST', '/auth/password/change', {
    current_password: $('current-password').value, new_password: $('changed-password').value,
  });
  if (!response.ok) { status('Change failed: ' + await errorText(response)); return; }
  // Like a login, the body carries fresh tokens (for API clients); the new cookies are what this page uses.
  await response.body?.cancel();
  $('current-password').value = ''; $('changed-password').value = '';
  status('Password changed: every other session was signed out.');
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
// A link opened while the page is already showing changes only the fragment: no reload, same handling.
window.addEventListener('hashchange', () => { followLink().then(showMe); });
followLink().then(showMe);
`;
