import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createResourceServer, type ResourceServer } from '@portcullis/core';
import { type CryptoKey, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inject } from './types.js';

/**
 * Mounts one protected route for the resource-server table, in the framework's idiom with the adapter's
 * middleware: `GET /reports` — bearer authentication, scope `reports:read` — answering 200 `{ subject }`.
 */
export type MountResourceServer = (
  auth: ResourceServer,
) => Promise<{ inject: Inject; close?: () => Promise<void> }>;

const ISSUER = 'https://login.example.test';
const AUDIENCE = 'https://reports.example.test';

/**
 * The same adapter behind `createResourceServer()`: access tokens from an external authorization server,
 * verified against its JWKS (a real HTTP server on a loopback port), through the adapter's usual API.
 *
 * @example runResourceServerSuite('express', async (rs) => { const pc = portcullis(rs); … });
 */
export function runResourceServerSuite(name: string, mount: MountResourceServer): void {
  describe(`resource server through ${name}`, () => {
    let jwksServer: Server;
    let privateKey: CryptoKey;
    let inject: Inject;
    let close: (() => Promise<void>) | undefined;

    beforeAll(async () => {
      const pair = await generateKeyPair('ES256', { extractable: true });
      privateKey = pair.privateKey;
      const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'as-key-1', alg: 'ES256', use: 'sig' };
      jwksServer = createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [jwk] }));
      });
      await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
      const { port } = jwksServer.address() as AddressInfo;
      const resourceServer = createResourceServer({
        issuer: ISSUER,
        audience: AUDIENCE,
        jwksUri: `http://127.0.0.1:${port}/jwks`,
        algorithms: ['ES256'],
      });
      ({ inject, close } = await mount(resourceServer));
    });
    afterAll(async () => {
      await close?.();
      await new Promise((resolve) => jwksServer.close(resolve));
    });

    const now = () => Math.floor(Date.now() / 1000);
    const token = (claims: Record<string, unknown> = {}, typ = 'at+jwt') =>
      new SignJWT({ scope: 'reports:read', jti: `j-${Math.random()}`, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'as-key-1', typ })
        .setIssuer(ISSUER)
        .setAudience((claims['aud'] as string | undefined) ?? AUDIENCE)
        .setSubject('service-7')
        .setIssuedAt(now())
        .setExpirationTime(now() + 300)
        .sign(privateKey);
    const get = async (bearer?: string, url = '/reports') =>
      inject({
        method: 'GET',
        url,
        headers: bearer === undefined ? {} : { authorization: `Bearer ${bearer}` },
      });
    const error = (body: string) => (JSON.parse(body) as { error: string }).error;

    it('lets through a token of the issuer with the scope', async () => {
      const response = await get(await token());
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body)).toEqual({ subject: 'service-7' });
    });

    it('refuses a missing scope (403), a wrong audience or an ID token (401), no token (401), a token in the URL (400)', async () => {
      const noScope = await get(await token({ scope: 'reports:write' }));
      expect(noScope.status).toBe(403);
      expect(error(noScope.body)).toBe('insufficient_scope');
      expect((await get(await token({ aud: 'https://other.example' }))).status).toBe(401);
      expect((await get(await token({}, 'JWT'))).status).toBe(401);
      const none = await get();
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer realm="portcullis"');
      expect((await get(await token(), `/reports?access_token=${await token()}`)).status).toBe(400);
    });

    it('fails closed with 503 when the issuer keys cannot be fetched', async () => {
      // A second resource server whose JWKS endpoint is unreachable from the start.
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      const unreachable = await mount(
        createResourceServer({
          issuer: ISSUER,
          audience: AUDIENCE,
          jwksUri: `http://127.0.0.1:${port}/jwks`,
          algorithms: ['ES256'],
        }),
      );
      try {
        const response = await unreachable.inject({
          method: 'GET',
          url: '/reports',
          headers: { authorization: `Bearer ${await token()}` },
        });
        expect(response.status).toBe(503);
        expect(error(response.body)).toBe('temporarily_unavailable');
      } finally {
        await unreachable.close?.();
      }
    });
  });
}
