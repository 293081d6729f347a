import type { Auth, AuthContext, AuthMethod } from '@portcullis/core';
import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Router } from 'express';
import { expectTypeOf } from 'vitest';
import { notFound, type Portcullis, portcullis, securityHeaders } from './index.js';

// `req.auth` is the principal `authenticate()` set, absent before it ran.
expectTypeOf<Request['auth']>().toEqualTypeOf<AuthContext | undefined>();

declare const auth: Auth;
const pc = portcullis(auth);
expectTypeOf(pc).toEqualTypeOf<Portcullis>();
expectTypeOf(pc.router).toEqualTypeOf<Router>();
expectTypeOf(pc.errorHandler).toEqualTypeOf<ErrorRequestHandler>();
expectTypeOf(pc.authenticate({ via: ['apiKey'] })).toEqualTypeOf<RequestHandler>();
expectTypeOf(pc.requireFreshAuth({ maxAge: '10m' })).toEqualTypeOf<RequestHandler>();
expectTypeOf(pc.requireAcr('urn:portcullis:acr:mfa')).toEqualTypeOf<RequestHandler>();
// @ts-expect-error maxAge is required
pc.requireFreshAuth({});
expectTypeOf(notFound).toEqualTypeOf<RequestHandler>();
expectTypeOf(securityHeaders()).toEqualTypeOf<RequestHandler>();

// Only known credential sources are accepted.
// @ts-expect-error 'password' is not a credential source
pc.authenticate({ via: ['password'] });

const app = express();
app.get('/me', pc.authenticate(), pc.requireScopes('profile:read'), (req, res) => {
  expectTypeOf(req.auth).toEqualTypeOf<AuthContext | undefined>();
  if (req.auth === undefined) return;
  expectTypeOf(req.auth.subject).toEqualTypeOf<string>();
  expectTypeOf(req.auth.roles).toEqualTypeOf<readonly string[]>();
  expectTypeOf(req.auth.method).toEqualTypeOf<AuthMethod>();
  // The principal is frozen: handlers cannot change who the request acts for.
  // @ts-expect-error subject is read-only
  req.auth.subject = 'someone-else';
  res.json({ id: req.auth.subject });
});
app.use(notFound, pc.errorHandler);
