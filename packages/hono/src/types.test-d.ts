import type { AuthContext } from '@portcullis/core/auth';
import { type Handler, Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import {
  type AuthenticatedEnv,
  type Authenticator,
  authenticate,
  protect,
  requireAcr,
  requireFreshAuth,
  requireRoles,
} from './index.js';

declare const auth: Authenticator;

// Behind authenticate(): present.
new Hono().get('/me', authenticate(auth), (c) => {
  expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext>();
  expectTypeOf(c.get('auth').subject).toEqualTypeOf<string>();
  expectTypeOf(c.get('auth').method).toEqualTypeOf<'bearer' | 'dpop' | 'cookie' | 'session' | 'apiKey'>();
  expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext>();
  return c.json({ subject: c.get('auth').subject });
});

// And after middleware that says nothing of it (requireRoles), and on an app with its own Variables.
new Hono<{ Variables: { requestId: string } }>().get(
  '/admin',
  authenticate(auth),
  requireRoles(auth, 'admin'),
  (c) => {
    expectTypeOf(c.get('auth').subject).toEqualTypeOf<string>();
    expectTypeOf(c.get('requestId')).toEqualTypeOf<string>();
    return c.json({ subject: c.get('auth').subject });
  },
);

// And after the step-up middleware.
new Hono().post(
  '/account/email',
  authenticate(auth),
  requireFreshAuth(auth, { maxAge: '10m' }),
  requireAcr(auth, 'urn:portcullis:acr:mfa'),
  (c) => c.json({ subject: c.get('auth').subject }),
);
// @ts-expect-error maxAge is required
requireFreshAuth(auth, {});

// Behind protect(): present.
new Hono().get(
  '/me',
  protect(auth, (c) => {
    expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext>();
    return c.json({ subject: c.get('auth').subject });
  }),
);

// Without either: possibly absent, so reading it unchecked does not compile.
new Hono().get('/public', (c) => {
  expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext | undefined>();
  expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext | undefined>();
  // @ts-expect-error -- `auth` may be undefined on a route without authenticate()
  const subject: string = c.get('auth').subject;
  return c.json({ subject, also: c.get('auth')?.subject ?? null });
});

// App-wide middleware sees it as possibly absent too.
new Hono().use(async (c, next) => {
  expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext | undefined>();
  await next();
});

// A handler written apart from its route names the Env.
const me: Handler<AuthenticatedEnv> = (c) => c.json({ subject: c.get('auth').subject });
new Hono().get('/me', authenticate(auth), me);
new Hono().get('/me', protect(auth, me));
