// The requests every README quick start must answer alike: the newcomer's first session with the app, and the
// attacks the first security review tries. Each check returns { name, ok, detail }.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';

/** A fresh EdDSA key as the `SIGNING_KEYS` JWK Set the quick starts read, and the private key to forge with. */
export function signingKeySet() {
  const { privateKey } = generateKeyPairSync('ed25519');
  const jwk = { ...privateKey.export({ format: 'jwk' }), alg: 'EdDSA', use: 'sig' };
  return { json: JSON.stringify({ keys: [jwk] }), publicX: jwk.x, privateJwk: jwk };
}

const b64url = (value) => Buffer.from(value).toString('base64url');
const decodeSegment = (segment) => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

/** A token the app itself signed, re-signed with the same key after moving its lifetime into the past. */
function expiredCopy(token, privateJwk) {
  const [header, payload] = token.split('.');
  const claims = decodeSegment(payload);
  const now = Math.floor(Date.now() / 1000);
  const aged = { ...claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 };
  if (claims.nbf === undefined) delete aged.nbf;
  const signingInput = `${header}.${b64url(JSON.stringify(aged))}`;
  const signature = sign(
    null,
    Buffer.from(signingInput),
    createPrivateKey({ key: privateJwk, format: 'jwk' }),
  );
  return `${signingInput}.${signature.toString('base64url')}`;
}

async function call(base, method, path, { headers = {}, body } = {}) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

const describe = (r) =>
  `${r.status} ${r.text.slice(0, 160)}${r.headers.get('www-authenticate') ? ` [WWW-Authenticate: ${r.headers.get('www-authenticate')}]` : ''}`;

/**
 * Drives the matrix against a running quick start. `admin` is the user the quick start seeded from
 * ADMIN_EMAIL/ADMIN_PASSWORD; `keys` is what it was given as SIGNING_KEYS.
 */
export async function runRequestMatrix(base, { admin, keys }) {
  const results = [];
  const check = (name, ok, detail) => results.push({ name, ok: Boolean(ok), detail });

  const jwks = await call(base, 'GET', '/.well-known/jwks.json');
  const published = jwks.json?.keys ?? [];
  check(
    'JWKS',
    // The key from SIGNING_KEYS is published (core names it by its RFC 7638 thumbprint), its private part never.
    jwks.status === 200 &&
      published.some((k) => k.x === keys.publicX) &&
      published.every((k) => k.d === undefined),
    describe(jwks),
  );

  const wrong = await call(base, 'POST', '/auth/login', {
    body: { email: admin.email, password: `${admin.password}x` },
  });
  check(
    'login, wrong password',
    wrong.status === 401 && wrong.json?.error === 'invalid_credentials',
    describe(wrong),
  );

  const login = await call(base, 'POST', '/auth/login', {
    body: { email: admin.email, password: admin.password },
  });
  const token = login.json?.access_token;
  check(
    'login',
    login.status === 200 && typeof token === 'string' && login.json?.token_type === 'Bearer',
    describe(login),
  );
  if (typeof token !== 'string') return results; // nothing below can run without a token
  const bearer = { authorization: `Bearer ${token}` };

  const me = await call(base, 'GET', '/me', { headers: bearer });
  const subject = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')).sub;
  check('bearer, /me', me.status === 200 && me.json?.id === subject, describe(me));

  const stats = await call(base, 'GET', '/admin/stats', { headers: bearer });
  check('bearer with role admin', stats.status === 200, describe(stats));

  const missing = await call(base, 'GET', '/me');
  check(
    'missing token',
    missing.status === 401 && /^Bearer\b/.test(missing.headers.get('www-authenticate') ?? ''),
    describe(missing),
  );

  const garbage = await call(base, 'GET', '/admin/stats', {
    headers: { authorization: 'Bearer not.a.token' },
  });
  check(
    'garbage token',
    garbage.status === 401 && /error="invalid_token"/.test(garbage.headers.get('www-authenticate') ?? ''),
    describe(garbage),
  );

  const expired = await call(base, 'GET', '/admin/stats', {
    headers: { authorization: `Bearer ${expiredCopy(token, keys.privateJwk)}` },
  });
  check(
    'expired token',
    expired.status === 401 && /error="invalid_token"/.test(expired.headers.get('www-authenticate') ?? ''),
    describe(expired),
  );

  const created = await call(base, 'POST', '/api-keys', {
    headers: bearer,
    body: { name: 'newcomer reports', scopes: ['reports:read'] },
  });
  const apiKey = created.json?.key;
  check('create API key', created.status === 201 && typeof apiKey === 'string', describe(created));

  const reports = await call(base, 'GET', '/service/reports', { headers: { 'x-api-key': String(apiKey) } });
  check('API key with scope', reports.status === 200, describe(reports));

  const bearerOnKeyRoute = await call(base, 'GET', '/service/reports', { headers: bearer });
  check(
    'bearer where only an API key is accepted',
    bearerOnKeyRoute.status === 401,
    describe(bearerOnKeyRoute),
  );

  const otherKey = await call(base, 'POST', '/api-keys', {
    headers: bearer,
    body: { name: 'newcomer writer', scopes: ['reports:write'] },
  });
  const wrongScope = await call(base, 'GET', '/service/reports', {
    headers: { 'x-api-key': String(otherKey.json?.key) },
  });
  check(
    'API key with the wrong scope',
    otherKey.status === 201 && wrongScope.status === 403 && wrongScope.json?.error === 'insufficient_scope',
    `${describe(otherKey)} → ${describe(wrongScope)}`,
  );

  return results;
}
