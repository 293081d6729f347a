// Hono 4 on @hono/node-server: portcullis's `authenticate()` middleware against hono/jwt's `jwt()`.
import type { Server } from 'node:http';
import { createAdaptorServer } from '@hono/node-server';
import { authenticate, onError, protect, securityHeaders } from '@portcullis/hono';
import { Hono } from 'hono';
import { jwt } from 'hono/jwt';
import { AUDIENCE, ISSUER } from '../../fixtures.js';
import { BODY, ROUTES } from '../protocol.js';
import { type AppContext, closeServer, listen, type StartedApp } from './context.js';

export async function start({ alg, auth, keys }: AppContext): Promise<StartedApp> {
  const app = new Hono();
  app.get(ROUTES.bare, (c) => c.json(BODY));
  // Authenticates nothing: the cost of Hono running a route with a middleware at all (its async compose).
  app.get(
    ROUTES.emptyMiddleware,
    (_c, next) => next(),
    (c) => c.json(BODY),
  );
  // One middleware, like the route above: what securityHeaders() costs over Hono's compose alone.
  app.get(ROUTES.securityHeaders, securityHeaders(), (c) => c.json(BODY));
  app.get(ROUTES.portcullis, authenticate(auth), (c) => c.json(BODY));
  app.get(
    ROUTES.handler,
    protect(auth, (c) => c.json(BODY)),
  );
  app.get(
    ROUTES.peer,
    // A CryptoKey, imported once: given a string or a JWK, hono/jwt imports the key on every request.
    jwt({ secret: keys.cryptoKey, alg, verification: { iss: ISSUER, aud: AUDIENCE, typ: 'at+jwt' } }),
    (c) => c.json(BODY),
  );
  app.onError(onError(auth));
  const server = await listen(createAdaptorServer({ fetch: app.fetch }) as Server);
  return {
    server,
    peer: {
      available: true,
      config:
        `hono/jwt jwt(): ${alg} pinned, iss, aud, exp, typ (no clock tolerance option); ` +
        'key as a CryptoKey (WebCrypto verify); no cache',
    },
    close: () => closeServer(server),
  };
}
