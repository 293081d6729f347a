import type { AuthContext, Principal } from '@portcullis/core';
import Fastify, { type FastifyRequest, type onRequestHookHandler, type preHandlerHookHandler } from 'fastify';
import { expectTypeOf } from 'vitest';
import { type Portcullis, portcullis, portcullisRoutes } from './index.js';

declare const auth: import('@portcullis/core').Auth;
const app = Fastify();
app.register(portcullis, { auth });
app.register(portcullisRoutes);
// @ts-expect-error the plugin needs the Auth object
app.register(portcullis, {});

// request.auth: the principal with how it authenticated, or null where no authenticate() hook ran.
expectTypeOf<FastifyRequest['auth']>().toEqualTypeOf<AuthContext | null>();
expectTypeOf<NonNullable<FastifyRequest['auth']>>().toExtend<Principal>();
expectTypeOf<NonNullable<FastifyRequest['auth']>['method']>().toEqualTypeOf<
  'bearer' | 'dpop' | 'cookie' | 'session' | 'apiKey'
>();
expectTypeOf(app.portcullis).toEqualTypeOf<Portcullis>();
expectTypeOf(app.portcullis.authenticate({ via: ['apiKey'] })).toEqualTypeOf<onRequestHookHandler>();
expectTypeOf(app.portcullis.requireFreshAuth({ maxAge: 600 })).toEqualTypeOf<preHandlerHookHandler>();
expectTypeOf(app.portcullis.requireAcr('urn:portcullis:acr:mfa')).toEqualTypeOf<preHandlerHookHandler>();
// @ts-expect-error not a credential source
app.portcullis.authenticate({ via: ['password'] });

// The hooks fit routes with typed parameters, and the handler sees request.auth.
app.get<{ Params: { id: string } }>(
  '/things/:id',
  { onRequest: app.portcullis.authenticate(), preHandler: [app.portcullis.requireScopes('things:read')] },
  async (request) => {
    expectTypeOf(request.params.id).toBeString();
    expectTypeOf(request.auth).toEqualTypeOf<AuthContext | null>();
    return { subject: request.auth?.subject, scopes: request.auth?.scopes };
  },
);
