// The browser page every demo serves at `/`: register, log in, show /me, refresh, API keys, log out, verify
// the e-mail, reset and change the password, second factors (an authenticator app with its recovery codes,
// passkeys) and the login's second step — with the HttpOnly cookies only. The script never reads an access or
// refresh token: it does not even read a successful login's body, and nothing is put in localStorage,
// sessionStorage or document.cookie. The one-time token of a mailed link (and the mfa_token of an OAuth
// sign-in that needs its second step) arrives in the URL fragment: the script takes it out of the address
// bar before anything else and posts it in a JSON body.

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
      <button id="passkey-login" type="button">Sign in with a passkey</button>
    </div>
    <h3>Forgot your password?</h3>
    <div class="row">
      <input id="forgot-email" type="email" autocomplete="username" placeholder="e-mail" value="">
      <button id="forgot-send" type="button">Mail me a reset link</button>
    </div>
  </section>
  <section id="second-step" hidden>
    <h2>Second step</h2>
    <div id="mfa-code-row" class="row">
      <label>Code from your authenticator app <input id="mfa-code" inputmode="numeric" autocomplete="one-time-code" value=""></label>
    </div>
    <div id="mfa-recovery-row" class="row" hidden>
      <label>Recovery code <input id="mfa-recovery-code" autocomplete="off" placeholder="XXXXX-XXXXX" value=""></label>
    </div>
    <div class="row">
      <button id="mfa-verify" type="button">Verify</button>
      <button id="mfa-use-recovery" type="button">Use a recovery code</button>
      <button id="mfa-passkey" type="button">Use a passkey</button>
      <button id="mfa-cancel" type="button">Start over</button>
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
    <h2>Second factor</h2>
    <p id="mfa-state"></p>
    <div class="row"><button id="totp-start" type="button">Set up an authenticator app</button></div>
    <div id="totp-enrol" hidden>
      <p>Scan the QR code with your authenticator app, or type the secret into it, then enter the code it shows.</p>
      <div id="totp-qr"></div>
      <p class="secret">Secret: <code id="totp-secret"></code></p>
      <div class="row">
        <input id="totp-code" inputmode="numeric" autocomplete="one-time-code" placeholder="6-digit code" value="">
        <button id="totp-confirm" type="button">Confirm</button>
      </div>
    </div>
    <div id="recovery-codes" class="secret" hidden>
      <p>Recovery codes (shown once: keep them somewhere safe; each one works once instead of a code):</p>
      <ol id="recovery-codes-list"></ol>
    </div>
    <div class="row">
      <input id="passkey-name" placeholder="passkey name" value="This device">
      <button id="passkey-add" type="button">Add a passkey</button>
    </div>
    <ul id="passkeys"></ul>
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
#status{min-height:1.5em;color:#2d4a6b}ul{padding-left:1.2rem}
#totp-qr svg{display:block;width:12rem;height:12rem}#recovery-codes-list{font-family:ui-monospace,monospace}`;

export const DEMO_JS = `'use strict';
const $ = (id) => document.getElementById(id);
const status = (text) => { $('status').textContent = text; };

// A mailed link's one-time token, taken out of the address bar before any request (so that no later
// navigation, bookmark or history entry carries it); it then lives only in this variable until posted.
function takeLinkToken() {
  const fragment = location.hash;
  if (fragment.length <= 1) return null;
  history.replaceState(null, '', location.pathname + location.search);
  const match = /^#(verify-email|reset-password|mfa_token)=([A-Za-z0-9_-]{1,256})$/.exec(fragment);
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
  // While a login waits for its second step, that step is what the page shows.
  if (!response.ok) { $('signed-in').hidden = true; $('signed-out').hidden = mfaToken !== null; return false; }
  const me = await response.json();
  $('me').textContent = JSON.stringify(me, null, 2);
  $('verified-state').textContent = me.email_verified ? 'E-mail verified.' : 'E-mail not verified yet: follow the link in the mail we sent.';
  $('resend-verification').hidden = me.email_verified === true;
  $('signed-out').hidden = true; $('signed-in').hidden = false;
  await listKeys();
  await listFactors();
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

async function listFactors() {
  const response = await api('GET', '/auth/mfa');
  const list = $('passkeys'); list.replaceChildren();
  if (!response.ok) { $('mfa-state').textContent = ''; return; }
  const factors = await response.json();
  $('mfa-state').textContent = (factors.totp ? 'Authenticator app: on.' : 'Authenticator app: off.') +
    ' Passkeys: ' + factors.passkeys.length + '. Recovery codes left: ' + factors.recovery_codes_left + '.';
  $('totp-start').hidden = factors.totp === true;
  for (const passkey of factors.passkeys) {
    const item = document.createElement('li');
    item.dataset.passkeyId = passkey.id;
    item.textContent = passkey.name + ' — added ' + passkey.created_at + (passkey.last_used_at ? ', last used ' + passkey.last_used_at : '');
    list.append(item);
  }
}

// The login's second step. The pending login's mfa_token (from /auth/login's 401, or an OAuth sign-in's
// fragment) lives only in this variable until /auth/mfa/verify spends it or the user starts over.
let mfaToken = null;

function askSecondFactor(token, methods) {
  mfaToken = token;
  // An OAuth sign-in's fragment does not say which factors the account has: then all are offered.
  const offers = (method) => methods === undefined || methods.includes(method);
  const code = offers('totp'), recovery = offers('recovery_code'), passkey = offers('webauthn');
  $('mfa-code').value = ''; $('mfa-recovery-code').value = '';
  $('mfa-code-row').hidden = !code; $('mfa-recovery-row').hidden = code || !recovery;
  $('mfa-use-recovery').hidden = !code || !recovery;
  $('mfa-use-recovery').textContent = 'Use a recovery code';
  $('mfa-verify').hidden = !code && !recovery;
  $('mfa-passkey').hidden = !passkey;
  $('second-step').hidden = false; $('signed-out').hidden = true;
  status(code ? 'Enter the code your authenticator app shows.'
    : passkey && recovery ? 'Use your passkey, or one of your recovery codes.'
    : passkey ? 'Use your passkey.' : 'Enter one of your recovery codes.');
}

function endSecondStep() {
  mfaToken = null;
  $('mfa-code').value = ''; $('mfa-recovery-code').value = '';
  $('second-step').hidden = true;
}

async function finishSecondStep(proof) {
  const response = await api('POST', '/auth/mfa/verify', Object.assign({ mfa_token: mfaToken }, proof));
  if (response.ok) {
    // Like a login, the body carries the access token (for API clients): this page never reads it.
    await response.body?.cancel();
    endSecondStep(); $('password').value = '';
    status('Logged in.');
    await showMe();
    return;
  }
  if (await errorCode(response) === 'invalid_grant') {
    endSecondStep();
    status('This sign-in expired: log in again.');
    await showMe();
    return;
  }
  // A wrong, used or late code leaves the sign-in pending: another code may be tried (within the limit).
  status('Not accepted: ' + await errorText(response));
}

// Why the browser said no. Browsers refuse passkeys on an IP address (the RP ID must be a domain name).
function webauthnRefusal(error) {
  const ip = /^[0-9.]+$/.test(location.hostname) || location.hostname.includes(':');
  if (error && error.name === 'SecurityError' && ip)
    return 'passkeys need a host name, not an IP address: start the demo with HOST=localhost and open it there';
  return error && error.message ? error.message : String(error);
}

function passkeysSupported() {
  return typeof PublicKeyCredential === 'function' && typeof PublicKeyCredential.parseRequestOptionsFromJSON === 'function';
}

// A passkey's answer to a login challenge (the challenge's cookie binds it to this browser), as JSON; or null.
async function passkeyAssertion(body) {
  if (!passkeysSupported()) { status('This browser cannot use passkeys.'); return null; }
  const options = await api('POST', '/auth/passkeys/login/options', body);
  if (!options.ok) {
    if (mfaToken !== null && await errorCode(options) === 'invalid_grant') {
      endSecondStep(); status('This sign-in expired: log in again.'); await showMe();
    } else status('Passkey sign-in failed: ' + await errorText(options));
    return null;
  }
  try {
    const publicKey = PublicKeyCredential.parseRequestOptionsFromJSON(await options.json());
    const credential = await navigator.credentials.get({ publicKey });
    if (credential === null) { status('No passkey was used.'); return null; }
    return credential.toJSON();
  } catch (error) {
    status('No passkey was used: ' + webauthnRefusal(error));
    return null;
  }
}

// The server's QR code is an SVG document. The CSP allows no data: images, so it is parsed as SVG (never
// as HTML; no script runs in a parsed document) and its nodes are put in the page — if it holds only shapes.
function showQrCode(svg) {
  const box = $('totp-qr');
  const root = new DOMParser().parseFromString(svg, 'image/svg+xml').documentElement;
  const shapes = ['g', 'rect', 'path'];
  const onlyShapes = root.namespaceURI === 'http://www.w3.org/2000/svg' && root.localName === 'svg' &&
    Array.from(root.querySelectorAll('*')).every((node) => shapes.includes(node.localName));
  if (!onlyShapes) { box.replaceChildren(); return; }
  root.setAttribute('role', 'img');
  root.setAttribute('aria-label', 'QR code of the authenticator app secret');
  box.replaceChildren(document.importNode(root, true));
}

function showRecoveryCodes(codes) {
  const list = $('recovery-codes-list'); list.replaceChildren();
  for (const code of codes) {
    const item = document.createElement('li');
    item.textContent = code;
    list.append(item);
  }
  $('recovery-codes').hidden = codes.length === 0;
}

function hideSecrets() {
  $('new-key').hidden = true;
  $('totp-enrol').hidden = true; $('totp-secret').textContent = ''; $('totp-qr').replaceChildren();
  $('recovery-codes').hidden = true; $('recovery-codes-list').replaceChildren();
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
  else if (link.kind === 'mfa_token') askSecondFactor(link.token);
  else status('This link is not one this page knows.');
}

$('register').addEventListener('click', async () => {
  const response = await api('POST', '/auth/register', credentials());
  status(response.ok ? 'Registered. We sent you a mail to verify your address. Now log in.' : 'Register failed: ' + await errorText(response));
});
$('login').addEventListener('click', async () => {
  const response = await api('POST', '/auth/login', credentials());
  // A successful login's body carries the access token too (for API clients): this page never reads it.
  // A refusal's body is read: mfa_required carries the pending login's mfa_token (no access token).
  if (!response.ok) {
    let refusal = {};
    try { refusal = await response.json(); } catch {}
    if (refusal.error === 'mfa_required' && typeof refusal.mfa_token === 'string') {
      $('password').value = '';
      askSecondFactor(refusal.mfa_token, Array.isArray(refusal.mfa_methods) ? refusal.mfa_methods : undefined);
    } else {
      status('Log in failed: ' + (refusal.error_description || refusal.error || String(response.status)));
    }
    return;
  }
  await response.body?.cancel();
  $('password').value = '';
  status('Logged in.');
  await showMe();
});
$('passkey-login').addEventListener('click', async () => {
  const assertion = await passkeyAssertion({});
  if (assertion === null) return;
  const response = await api('POST', '/auth/passkeys/login', { response: assertion });
  if (!response.ok) { status('Passkey sign-in failed: ' + await errorText(response)); return; }
  await response.body?.cancel();
  status('Logged in with a passkey.');
  await showMe();
});
$('mfa-verify').addEventListener('click', async () => {
  if ($('mfa-recovery-row').hidden) await finishSecondStep({ code: $('mfa-code').value });
  else await finishSecondStep({ recovery_code: $('mfa-recovery-code').value });
});
$('mfa-use-recovery').addEventListener('click', () => {
  const recovery = $('mfa-recovery-row').hidden;
  $('mfa-recovery-row').hidden = !recovery; $('mfa-code-row').hidden = recovery;
  $('mfa-use-recovery').textContent = recovery ? "Use the app's code" : 'Use a recovery code';
  status(recovery ? 'Enter one of your recovery codes (each works once).' : 'Enter the code your authenticator app shows.');
});
$('mfa-passkey').addEventListener('click', async () => {
  const assertion = await passkeyAssertion({ mfa_token: mfaToken });
  if (assertion !== null) await finishSecondStep({ webauthn: assertion });
});
$('mfa-cancel').addEventListener('click', async () => {
  endSecondStep();
  status('');
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
  hideSecrets();
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
$('totp-start').addEventListener('click', async () => {
  const response = await api('POST', '/auth/mfa/totp');
  if (!response.ok) { status('Set-up failed: ' + await errorText(response)); return; }
  const started = await response.json();
  showQrCode(started.qr_svg);
  $('totp-secret').textContent = started.secret;
  $('totp-code').value = '';
  $('recovery-codes').hidden = true; $('totp-enrol').hidden = false;
  status('Add the secret to your authenticator app, then enter the code it shows.');
});
$('totp-confirm').addEventListener('click', async () => {
  const response = await api('POST', '/auth/mfa/totp/confirm', { code: $('totp-code').value });
  if (!response.ok) { status('Code not accepted: ' + await errorText(response)); return; }
  const confirmed = await response.json();
  $('totp-enrol').hidden = true; $('totp-secret').textContent = ''; $('totp-qr').replaceChildren(); $('totp-code').value = '';
  // Like an API key, the recovery codes are shown once and kept nowhere.
  showRecoveryCodes(confirmed.recovery_codes);
  status('Authenticator app on: from now on, logging in asks for its code.');
  await listFactors();
});
$('passkey-add').addEventListener('click', async () => {
  if (!passkeysSupported()) { status('This browser cannot create passkeys.'); return; }
  const options = await api('POST', '/auth/passkeys/register/options');
  if (!options.ok) { status('Adding a passkey failed: ' + await errorText(options)); return; }
  let credential;
  try {
    const publicKey = PublicKeyCredential.parseCreationOptionsFromJSON(await options.json());
    credential = await navigator.credentials.create({ publicKey });
  } catch (error) {
    status('No passkey was created: ' + webauthnRefusal(error));
    return;
  }
  if (credential === null) { status('No passkey was created.'); return; }
  const name = $('passkey-name').value.trim();
  const body = name === '' ? { response: credential.toJSON() } : { response: credential.toJSON(), name };
  const response = await api('POST', '/auth/passkeys/register', body);
  if (!response.ok) { status('Adding a passkey failed: ' + await errorText(response)); return; }
  const added = await response.json();
  status('Passkey "' + added.name + '" added: it signs you in without a password, or as a second step.');
  await listFactors();
});
// A link opened while the page is already showing changes only the fragment: no reload, same handling.
window.addEventListener('hashchange', () => { followLink().then(showMe); });
followLink().then(showMe);
`;
