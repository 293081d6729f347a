import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDpopProver, createResourceServer, type ResourceServer } from '@portcullis/core';
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

    it('keeps tenants apart with many issuers: the iss picks the keys, a shared kid never crosses, an unknown issuer costs no request', async () => {
      // Tenant B: its own key under the same kid as tenant A's, its own JWKS server counting its requests.
      const b = await generateKeyPair('ES256', { extractable: true });
      const bJwk = { ...(await exportJWK(b.publicKey)), kid: 'as-key-1', alg: 'ES256', use: 'sig' };
      let bHits = 0;
      const bServer = createServer((_req, res) => {
        bHits += 1;
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [bJwk] }));
      });
      await new Promise<void>((resolve) => bServer.listen(0, '127.0.0.1', resolve));
      const TENANT_B = 'https://tenant-b.example.test';
      const bJwks = `http://127.0.0.1:${(bServer.address() as AddressInfo).port}/jwks`;
      const aJwks = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/jwks`;
      const both = await mount(
        createResourceServer({
          issuers: [
            { issuer: ISSUER, audience: AUDIENCE, jwksUri: aJwks, algorithms: ['ES256'] },
            { issuer: TENANT_B, audience: AUDIENCE, jwksUri: bJwks, algorithms: ['ES256'] },
          ],
        }),
      );
      const onlyB = await mount(
        createResourceServer({ issuer: TENANT_B, audience: AUDIENCE, jwksUri: bJwks, algorithms: ['ES256'] }),
      );
      const signed = (key: CryptoKey, iss: string) =>
        new SignJWT({ scope: 'reports:read', jti: `j-${Math.random()}` })
          .setProtectedHeader({ alg: 'ES256', kid: 'as-key-1', typ: 'at+jwt' })
          .setIssuer(iss)
          .setAudience(AUDIENCE)
          .setSubject('service-7')
          .setIssuedAt(now())
          .setExpirationTime(now() + 300)
          .sign(key);
      const call = (app: { inject: Inject }, bearer: string) =>
        app.inject({ method: 'GET', url: '/reports', headers: { authorization: `Bearer ${bearer}` } });
      try {
        expect((await call(both, await signed(privateKey, ISSUER))).status).toBe(200);
        expect((await call(both, await signed(b.privateKey, TENANT_B))).status).toBe(200);
        // A's key claiming to be B, with the kid B also has: B's key verifies it, and refuses it.
        expect((await call(both, await signed(privateKey, TENANT_B))).status).toBe(401);
        // Tenant A's token at tenant B's API.
        expect((await call(onlyB, await signed(privateKey, ISSUER))).status).toBe(401);
        const before = bHits;
        const unknown = await call(both, await signed(privateKey, 'https://stranger.example.test'));
        expect([unknown.status, error(unknown.body)]).toEqual([401, 'invalid_token']);
        expect(bHits).toBe(before);
      } finally {
        await both.close?.();
        await onlyB.close?.();
        await new Promise((resolve) => bServer.close(resolve));
      }
    });

    it('takes a DPoP-bound token of the issuer with its proof, once, and never as a bearer token', async () => {
      const host = 'reports.example.test';
      const client = await createDpopProver();
      const bound = await token({ cnf: { jkt: client.jkt } });
      const send = (headers: Record<string, string>) =>
        inject({ method: 'GET', url: '/reports', headers: { host, ...headers } });
      const proof = await client.proof('GET', `http://${host}/reports`, { accessToken: bound });
      const accepted = await send({ authorization: `DPoP ${bound}`, dpop: proof });
      expect(accepted.status).toBe(200);
      const replayed = await send({ authorization: `DPoP ${bound}`, dpop: proof });
      expect([replayed.status, error(replayed.body)]).toEqual([401, 'invalid_dpop_proof']);
      expect(replayed.headers['www-authenticate']).toMatch(
        /^DPoP realm="portcullis", error="invalid_dpop_proof"/,
      );
      const asBearer = await send({ authorization: `Bearer ${bound}` });
      expect([asBearer.status, error(asBearer.body)]).toEqual([401, 'invalid_token']);
      const thief = await createDpopProver();
      const stolen = await send({
        authorization: `DPoP ${bound}`,
        dpop: await thief.proof('GET', `http://${host}/reports`, { accessToken: bound }),
      });
      expect(stolen.status).toBe(401);
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
