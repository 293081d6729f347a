import type { AuthContext } from '@portcullis/core/auth';
import { Hono } from 'hono';
import { expectTypeOf } from 'vitest';
import { type Authenticator, authenticate, protect } from './index.js';

declare const auth: Authenticator;

new Hono().get('/me', authenticate(auth), (c) => {
  expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext>();
  expectTypeOf(c.get('auth').subject).toEqualTypeOf<string>();
  expectTypeOf(c.get('auth').method).toEqualTypeOf<'bearer' | 'cookie' | 'session' | 'apiKey'>();
  expectTypeOf(c.var.auth).toEqualTypeOf<AuthContext>();
  return c.json({ subject: c.get('auth').subject });
});

new Hono().get(
  '/me',
  protect(auth, (c) => {
    expectTypeOf(c.get('auth')).toEqualTypeOf<AuthContext>();
    return c.json({ subject: c.get('auth').subject });
  }),
);
