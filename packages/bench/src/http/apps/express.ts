// Express 5: portcullis's `authenticate()` middleware against express-jwt, the usual Express peer.
import { createServer } from 'node:http';
import { portcullis } from '@portcullis/express';
import express, { type RequestHandler } from 'express';
import { expressjwt } from 'express-jwt';
import { AUDIENCE, CLOCK_TOLERANCE, ISSUER } from '../../fixtures.js';
import { BODY, ROUTES } from '../protocol.js';
import { type AppContext, closeServer, listen, type PeerStatus, type StartedApp } from './context.js';

export async function start({ alg, auth, keys }: AppContext): Promise<StartedApp> {
  const pc = portcullis(auth);
  const app = express();
  const send: RequestHandler = (_req, res) => {
    res.json(BODY);
  };
  app.get(ROUTES.bare, send);
  app.get(ROUTES.portcullis, pc.authenticate(), send);
  let peer: PeerStatus;
  if (alg === 'HS256') {
    app.get(
      ROUTES.peer,
      expressjwt({
        secret: keys.keyObject,
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        clockTolerance: CLOCK_TOLERANCE,
      }),
      send,
    );
    peer = {
      available: true,
      config: 'express-jwt 8 (jsonwebtoken 9): HS256 pinned, iss, aud, exp; secret as a KeyObject; no cache',
    };
  } else {
    peer = { available: false, reason: 'express-jwt: jsonwebtoken 9 has no EdDSA' };
  }
  // Answers portcullis's AuthError and express-jwt's UnauthorizedError (status 401) alike.
  app.use(pc.errorHandler);
  const server = await listen(createServer(app));
  return { server, peer, close: () => closeServer(server) };
}
