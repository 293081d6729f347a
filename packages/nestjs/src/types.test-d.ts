import type { CustomDecorator, ExecutionContext } from '@nestjs/common';
import type { AuthContext, AuthMethod, Requirement } from '@portcullis/core';
import { expectTypeOf } from 'vitest';
import {
  Acr,
  type AuthenticatedRequest,
  Credentials,
  CurrentPrincipal,
  FreshAuth,
  type PortcullisModuleOptions,
  Public,
  principalOf,
  Requires,
  Roles,
  Scopes,
} from './index.js';

// @CurrentPrincipal() injects what principalOf() returns: core's AuthContext, never undefined.
expectTypeOf(CurrentPrincipal()).toEqualTypeOf<ParameterDecorator>();
expectTypeOf(principalOf).parameters.toEqualTypeOf<[ExecutionContext]>();
expectTypeOf(principalOf).returns.toEqualTypeOf<AuthContext>();
expectTypeOf<ReturnType<typeof principalOf>['method']>().toEqualTypeOf<AuthMethod>();
expectTypeOf<ReturnType<typeof principalOf>['subject']>().toEqualTypeOf<string>();
expectTypeOf<ReturnType<typeof principalOf>['scopes']>().toEqualTypeOf<readonly string[]>();

// request.auth behind the guard, on top of the platform's own request type.
interface ExpressLikeRequest {
  url: string;
}
expectTypeOf<AuthenticatedRequest<ExpressLikeRequest>['auth']>().toEqualTypeOf<AuthContext>();
expectTypeOf<AuthenticatedRequest<ExpressLikeRequest>['url']>().toEqualTypeOf<string>();
expectTypeOf<AuthenticatedRequest['auth']>().toEqualTypeOf<AuthContext>();

// The decorators take what core takes.
expectTypeOf(Public).toBeCallableWith();
expectTypeOf(Roles).parameters.toEqualTypeOf<string[]>();
expectTypeOf(Scopes).returns.toEqualTypeOf<CustomDecorator>();
expectTypeOf(Requires).parameters.toEqualTypeOf<[Requirement]>();
expectTypeOf(Credentials).toBeCallableWith('apiKey');
expectTypeOf(FreshAuth).parameters.toEqualTypeOf<[{ maxAge: number | string }]>();
expectTypeOf(Acr).parameters.toEqualTypeOf<string[]>();
expectTypeOf(Acr).returns.toEqualTypeOf<CustomDecorator>();
// @ts-expect-error: not a credential source
Credentials('basic');
expectTypeOf<PortcullisModuleOptions['via']>().toEqualTypeOf<readonly AuthMethod[] | undefined>();
