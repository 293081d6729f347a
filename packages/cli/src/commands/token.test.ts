import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyring, generateSigningKey, type Keyring } from '@portcullis/core/keys';
import { createAccessTokenIssuer } from '@portcullis/core/tokens';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_TEST_TIMEOUT, runCli } from '../testing/run-cli.js';
import { closedPort } from '../testing/services.js';

const ISSUER = 'https://api.example.test';
const AUDIENCE = 'example-api';

async function keyringOf(alg: 'EdDSA' | 'ES256') {
  return createKeyring({ keys: [await generateSigningKey(alg)] });
}

function issue(keyring: Keyring, clock: () => number = Date.now) {
  return createAccessTokenIssuer({ keyring, issuer: ISSUER, audience: AUDIENCE, clock }).issue({
    subject: 'user-1',
    roles: ['admin'],
    scopes: ['reports:read'],
  });
}

/** The token with its payload's `sub` changed and the signature kept. */
function tampered(token: string): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8'));
  claims.sub = 'someone-else';
  return [header, Buffer.from(JSON.stringify(claims)).toString('base64url'), signature].join('.');
}

interface Refusal {
  ok: false;
  error: { code: string; reason?: string; valid?: boolean };
}

describe('token verify and inspect', { timeout: CLI_TEST_TIMEOUT }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-token-'));
  const jwksFile = join(dir, 'jwks.json');
  let keyring: Keyring;
  let server: Server;
  let jwksUrl: string;

  beforeAll(async () => {
    keyring = await keyringOf('EdDSA');
    // Two keys published, as during a rotation: the verifier picks by kid.
    const other = await keyringOf('ES256');
    const jwks = { keys: [...keyring.jwks().keys, ...other.jwks().keys] };
    writeFileSync(jwksFile, JSON.stringify(jwks));
    server = createServer((request, response) => {
      if (request.url !== '/.well-known/jwks.json') return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/.well-known/jwks.json`;
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await new Promise((resolve) => server?.close(resolve));
  });

  const verify = (token: string, jwks: string, ...extra: string[]) =>
    runCli(
      ['token', 'verify', '--jwks', jwks, '--issuer', ISSUER, '--audience', AUDIENCE, '--json', ...extra],
      {
        stdin: `${token}\n`,
      },
    );

  for (const source of ['file', 'loopback URL'] as const) {
    const location = () => (source === 'file' ? jwksFile : jwksUrl);

    it(`accepts a good token against a JWKS ${source}`, async () => {
      const { token } = await issue(keyring);
      const run = await verify(token, location());
      expect(run.code, run.stderr).toBe(0);
      expect(run.json()).toMatchObject({
        ok: true,
        valid: true,
        subject: 'user-1',
        roles: ['admin'],
        scopes: ['reports:read'],
      });
    });

    it(`refuses expired, wrong-key, tampered and wrong-audience tokens against a JWKS ${source}`, async () => {
      const hourAgo = Date.now() - 3_600_000;
      const cases = [
        { token: (await issue(keyring, () => hourAgo)).token, reason: 'expired' },
        { token: (await issue(await keyringOf('EdDSA'))).token, reason: 'unknown_key' },
        { token: tampered((await issue(keyring)).token), reason: 'bad_signature' },
      ];
      for (const { token, reason } of cases) {
        const run = await verify(token, location());
        expect(run.code, reason).toBe(1);
        expect(run.json<Refusal>()).toEqual({
          ok: false,
          error: { code: 'invalid_token', message: expect.any(String), valid: false, reason },
        });
        expect(run.stderr).toContain(`invalid_token (${reason})`);
        expect(run.stdout + run.stderr).not.toContain(token);
      }
      const { token } = await issue(keyring);
      const audience = await runCli(
        ['token', 'verify', '--jwks', location(), '--issuer', ISSUER, '--audience', 'other', '--json'],
        {
          stdin: token,
        },
      );
      expect(audience.code).toBe(1);
      expect(audience.json<Refusal>().error.reason).toBe('wrong_audience');
    });
  }

  it('exits 3 when the JWKS URL cannot be reached, and 2 for plain http off loopback', async () => {
    const { token } = await issue(keyring);
    const down = await verify(token, `http://127.0.0.1:${await closedPort()}/jwks.json`);
    expect(down.code).toBe(3);
    expect(down.json<Refusal>().error.code).toBe('temporarily_unavailable');
    const plain = await verify(token, 'http://jwks.example.test/jwks.json');
    expect(plain.code).toBe(2);
  });

  it('refuses a token on argv, and a JWKS file with a shared secret in it', async () => {
    const { token } = await issue(keyring);
    const argv = await runCli([
      'token',
      'verify',
      '--jwks',
      jwksFile,
      '--issuer',
      ISSUER,
      '--audience',
      AUDIENCE,
      token,
    ]);
    expect(argv.code).toBe(2);
    expect(argv.stderr).toContain('[secret_on_argv]');
    expect(argv.stderr).not.toContain(token);

    const symmetric = join(dir, 'symmetric.json');
    writeFileSync(symmetric, JSON.stringify({ keys: [{ kty: 'oct', k: 'c2VjcmV0', alg: 'HS256' }] }));
    const run = await verify(token, symmetric);
    expect(run.code).toBe(1);
    expect(run.json<Refusal>().error.code).toBe('jwks_unusable');
  });

  it('inspects without verifying, and says so on stdout and stderr', async () => {
    const forged = tampered((await issue(keyring)).token);
    const json = await runCli(['token', 'inspect', '--json'], { stdin: forged });
    expect(json.code, json.stderr).toBe(0);
    const decoded = json.json<{
      verified: boolean;
      header: Record<string, unknown>;
      payload: Record<string, unknown>;
    }>();
    expect(decoded.verified).toBe(false);
    expect(decoded.header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' });
    expect(decoded.payload).toMatchObject({ sub: 'someone-else', iss: ISSUER });
    expect(json.stderr).toContain('WITHOUT verifying');

    const text = await runCli(['token', 'inspect'], { stdin: forged });
    expect(text.stdout.split('\n')[0]).toMatch(/^UNVERIFIED/);

    const garbage = await runCli(['token', 'inspect'], { stdin: 'not.a-token' });
    expect(garbage.code).toBe(1);
    expect(garbage.stderr).toContain('[invalid_token]');
  });
});
