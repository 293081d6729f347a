// The server child: `pnpm bench http` starts one per framework and algorithm (see child.ts), sends it the
// key over IPC, and loads it with autocannon from the parent. Its only other job is answering "how much
// CPU have you used", so that each row can tell whether the server was the bottleneck.
import { createPublicKey, createSecretKey, randomBytes, webcrypto } from 'node:crypto';
import {
  createAuth,
  createMemoryStores,
  createMemoryUserDirectory,
  importHmacSecret,
  importSigningKey,
  type SigningKey,
} from '@portcullis/core';
import { AUDIENCE, ISSUER } from '../fixtures.js';
import type { AppContext, PeerKeys, StartedApp } from './apps/context.js';
import type { Framework, FromChild, StartMessage, ToChild } from './protocol.js';

const send = (message: FromChild) => process.send?.(message);

async function signingKeyOf({ alg, privateJwk }: StartMessage): Promise<SigningKey> {
  // HS256 the way the docs put it: the shared secret through importHmacSecret (same bytes, same kid).
  if (alg === 'HS256') return importHmacSecret(Buffer.from(String(privateJwk['k']), 'base64url'));
  return importSigningKey(privateJwk, { alg });
}

async function peerKeysOf(key: SigningKey, privateJwk: StartMessage['privateJwk']): Promise<PeerKeys> {
  if (key.alg === 'HS256') {
    const secret = Buffer.from(String(privateJwk['k']), 'base64url');
    const cryptoKey = await webcrypto.subtle.importKey(
      'raw',
      secret,
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    return { keyObject: createSecretKey(secret), cryptoKey, fastJwtKey: secret };
  }
  const pem = key.exportPem().publicKey;
  const { kty, crv, x } = key.publicJwk as { kty: string; crv: string; x: string };
  const cryptoKey = await webcrypto.subtle.importKey('jwk', { kty, crv, x }, { name: 'Ed25519' }, false, [
    'verify',
  ]);
  return { keyObject: createPublicKey(pem), cryptoKey, fastJwtKey: pem };
}

const APPS: Record<Framework, () => Promise<{ start(context: AppContext): Promise<StartedApp> }>> = {
  express: () => import('./apps/express.js'),
  fastify: () => import('./apps/fastify.js'),
  hono: () => import('./apps/hono.js'),
  nest: () => import('./apps/nest.js'),
};

async function start(message: StartMessage): Promise<StartedApp> {
  const key = await signingKeyOf(message);
  const auth = await createAuth({
    // Room for every DPoP proof id the dpop section spends (each kept maxAge + 5 s): a full memory store
    // answers 503, which would end the run.
    stores: createMemoryStores({ maxEntries: 2_000_000 }),
    dpop: { maxAge: '10s' },
    users: createMemoryUserDirectory(),
    issuer: ISSUER,
    audience: AUDIENCE,
    appOrigin: 'http://127.0.0.1',
    apiKeys: { pepper: randomBytes(32) },
    keys: { algorithm: message.alg, signingKeys: [key] },
  });
  const { start: startApp } = await APPS[message.framework]();
  return startApp({ alg: message.alg, auth, keys: await peerKeysOf(key, message.privateJwk) });
}

let app: StartedApp | undefined;
let stopping = false;

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  await app?.close();
  process.exit(0); // a normal exit: --cpu-prof writes its profile here
}

async function handleStart(message: StartMessage): Promise<void> {
  try {
    app = await start(message);
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the server has no TCP address');
    send({ type: 'ready', port: address.port, peer: app.peer });
  } catch (error) {
    send({
      type: 'failed',
      message: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    process.exit(1);
  }
}

process.on('message', (message: ToChild) => {
  switch (message.type) {
    case 'start':
      void handleStart(message);
      break;
    case 'cpu': {
      const { user, system } = process.cpuUsage();
      send({ type: 'cpu', micros: user + system });
      break;
    }
    case 'collect':
      globalThis.gc?.();
      send({ type: 'collected' });
      break;
    case 'stop':
      void stop();
      break;
  }
});
// The parent went away (crashed, or was interrupted): never outlive it.
process.on('disconnect', () => void stop());
