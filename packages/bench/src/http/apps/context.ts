// What a server module is given, and what it gives back, inside the child process.

import type { KeyObject, webcrypto } from 'node:crypto';
import type { Server } from 'node:http';
import type { Auth } from '@portcullis/core';
import type { FromChild, HttpAlgorithm } from '../protocol.js';

/** The key that signed every token, in the form each peer wants it, imported once at start-up. */
export interface PeerKeys {
  /** The HMAC secret (HS256) or the public key (EdDSA), as a KeyObject: for jsonwebtoken. */
  keyObject: KeyObject;
  /** The same key as a WebCrypto key: for hono/jwt, which would otherwise import it on every request. */
  cryptoKey: webcrypto.CryptoKey;
  /** The raw secret (HS256) or the public key's SPKI PEM (EdDSA): what fast-jwt takes. */
  fastJwtKey: Buffer | string;
}

export interface AppContext {
  alg: HttpAlgorithm;
  /** `createAuth` with memory stores and the token-signing key: portcullis's route authenticates with it. */
  auth: Auth;
  keys: PeerKeys;
}

export type PeerStatus = Extract<FromChild, { type: 'ready' }>['peer'];

export interface StartedApp {
  server: Server;
  peer: PeerStatus;
  /** Closes the server (and, for Nest, the application). */
  close(): Promise<void>;
}

/** Listens on an ephemeral port of 127.0.0.1. */
export function listen(server: Server): Promise<Server> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
