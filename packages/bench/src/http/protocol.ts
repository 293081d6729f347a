// What the bench process and a server child say to each other over the IPC channel, and what both know.
import type { JsonWebKey } from '@portcullis/core';

export const FRAMEWORKS = ['express', 'fastify', 'hono', 'nest'] as const;
export type Framework = (typeof FRAMEWORKS)[number];

export const HTTP_ALGORITHMS = ['HS256', 'EdDSA'] as const;
export type HttpAlgorithm = (typeof HTTP_ALGORITHMS)[number];

/**
 * The routes of a server: no authentication, portcullis's adapter, the framework's usual peer; on Hono also
 * portcullis's `protect()`, the handler form that spares the route Hono's middleware compose, and a route
 * behind an empty middleware `(c, next) => next()`: what the compose alone costs, the ceiling of any
 * middleware-form authentication there; and a route behind portcullis's `securityHeaders()` alone, to set
 * against that empty middleware.
 */
export const ROUTES = {
  bare: '/bare',
  emptyMiddleware: '/empty-middleware',
  securityHeaders: '/security-headers',
  portcullis: '/portcullis',
  handler: '/portcullis-handler',
  peer: '/peer',
} as const;
export type RouteName = keyof typeof ROUTES;

/** Routes only some frameworks serve (every other route is on every server). */
export const ROUTE_FRAMEWORKS: Partial<Record<RouteName, readonly Framework[]>> = {
  handler: ['hono'],
  emptyMiddleware: ['hono'],
  securityHeaders: ['hono'],
};

/** Routes that authenticate nothing: they are checked and loaded without credentials. */
export const UNAUTHENTICATED_ROUTES: ReadonlySet<RouteName> = new Set([
  'bare',
  'emptyMiddleware',
  'securityHeaders',
]);

export function servesRoute(framework: Framework, route: RouteName): boolean {
  return ROUTE_FRAMEWORKS[route]?.includes(framework) ?? true;
}

/** What every route answers, authenticated or not: small, static, the same bytes on every route. */
export const BODY = Object.freeze({ ok: true, service: 'bench' });

/** Sent once, right after the child starts: which app to build, with which key. */
export interface StartMessage {
  type: 'start';
  framework: Framework;
  alg: HttpAlgorithm;
  /**
   * The private JWK of the key that signed every token (`k` for HS256: the shared secret; `d` for EdDSA).
   * The child builds portcullis's `createAuth` from it and gives the peer the same secret or the public key.
   */
  privateJwk: JsonWebKey;
}

/** Asks for the child's CPU time so far (`process.cpuUsage()`), to tell how busy the server was in a run. */
export interface CpuMessage {
  type: 'cpu';
}

/**
 * Asks the child to collect its garbage fully (it runs with --expose-gc), once before the warm-ups: the
 * server starts measuring from a clean heap, not from what starting it left behind.
 */
export interface CollectMessage {
  type: 'collect';
}

export interface StopMessage {
  type: 'stop';
}

export type ToChild = StartMessage | CpuMessage | CollectMessage | StopMessage;

export type FromChild =
  | {
      type: 'ready';
      port: number;
      /** How the peer is configured, or why there is none (no support for the algorithm). */
      peer: { available: true; config: string } | { available: false; reason: string };
    }
  | { type: 'cpu'; micros: number }
  | { type: 'collected' }
  | { type: 'failed'; message: string };
