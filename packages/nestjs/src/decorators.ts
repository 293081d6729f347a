import { type CustomDecorator, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import {
  type AuthContext,
  type CredentialSource,
  type Requirement,
  requireAcr,
  requireFreshAuth,
  requireRoles,
  requireScopes,
} from '@portcullis/core';
import { assertRequirement, resolveVia } from '@portcullis/core/adapter';

/**
 * Lets a route or controller through the global `AuthGuard` unauthenticated; `request.auth` stays unset.
 *
 * @example @Public() @Get('status') status() { return { ok: true }; }
 */
export const Public = Reflector.createDecorator<void, true>({
  key: 'portcullis:public',
  transform: () => true,
});

/**
 * @internal What `@Roles()`, `@Scopes()`, `@Requires()`, `@FreshAuth()` and `@Acr()` store: a core
 * requirement, read by the guard.
 */
export const RolesRequirement = Reflector.createDecorator<readonly string[], Requirement>({
  key: 'portcullis:roles',
  transform: (roles) => requireRoles(...roles),
});
/** @internal */
export const ScopesRequirement = Reflector.createDecorator<readonly string[], Requirement>({
  key: 'portcullis:scopes',
  transform: (scopes) => requireScopes(...scopes),
});
/** @internal */
export const PolicyRequirement = Reflector.createDecorator<Requirement>({
  key: 'portcullis:requires',
  transform: (requirement) => {
    assertRequirement(requirement, '@Requires()');
    return requirement;
  },
});
/** @internal */
export const MaxAgeRequirement = Reflector.createDecorator<{ maxAge: number | string }, Requirement>({
  key: 'portcullis:fresh-auth',
  transform: (options) => requireFreshAuth(options),
});
/** @internal */
export const AcrValuesRequirement = Reflector.createDecorator<readonly string[], Requirement>({
  key: 'portcullis:acr',
  transform: (values) => requireAcr(...values),
});
/** @internal */
export const CredentialSources = Reflector.createDecorator<readonly CredentialSource[]>({
  key: 'portcullis:credentials',
  transform: (sources) => {
    return resolveVia(sources, '@Credentials()') ?? sources;
  },
});

/**
 * Requires ANY ONE of the roles (inherited roles count); otherwise 403 `insufficient_scope`. A method's
 * `@Roles()` replaces its controller's.
 *
 * @example @Roles('admin') @Get('admin/stats') stats() { … }
 */
export function Roles(...roles: string[]): CustomDecorator {
  return RolesRequirement(roles);
}

/**
 * Requires EVERY one of the scopes the token or API key carries; otherwise 403 `insufficient_scope`.
 *
 * @example @Credentials('apiKey') @Scopes('reports:read') @Get('service/reports') reports() { … }
 */
export function Scopes(...scopes: string[]): CustomDecorator {
  return ScopesRequirement(scopes);
}

/**
 * Requires any core requirement, for what `@Roles()` and `@Scopes()` cannot say alone (`anyOf`, `allOf`,
 * permissions). Enforced together with them.
 *
 * @example @Requires(anyOf(requireRoles('admin'), requireScopes('reports:read')))
 */
export function Requires(requirement: Requirement): CustomDecorator {
  return PolicyRequirement(requirement);
}

/**
 * Requires an authentication at most `maxAge` ago (seconds, or `'10m'`): step-up for a sensitive action.
 * Otherwise 401 `insufficient_user_authentication` with `max_age` in `WWW-Authenticate` (RFC 9470). A
 * method's `@FreshAuth()` replaces its controller's; it is enforced together with the other requirements.
 *
 * @example @FreshAuth({ maxAge: '10m' }) @Post('account/email') changeEmail() { … }
 */
export function FreshAuth(options: { maxAge: number | string }): CustomDecorator {
  return MaxAgeRequirement(options);
}

/**
 * Requires an authentication context class (`acr`) among `values`, e.g. `ACR_MFA` ("signed in with a
 * second factor"). Otherwise 401 `insufficient_user_authentication` with `acr_values` (RFC 9470).
 *
 * @example @Acr(ACR_MFA) @Delete('account') close() { … }
 */
export function Acr(...values: string[]): CustomDecorator {
  return AcrValuesRequirement(values);
}

/**
 * Which credentials a route accepts, in core's order of precedence (`Authorization`, `X-API-Key`, access
 * cookie, session cookie). Default: the module's `via`, else bearer, access cookie and session cookie.
 *
 * @example @Credentials('apiKey') — a service route that takes `X-API-Key` and nothing else
 */
export function Credentials(...sources: CredentialSource[]): CustomDecorator {
  return CredentialSources(sources);
}

/**
 * The principal the `AuthGuard` authenticated for this request. Throws (a 500) on a route it did not
 * authenticate, i.e. a `@Public()` one: there, read the optional `request.auth` instead.
 *
 * @example const principal = principalOf(context); // in a guard, interceptor or custom decorator
 */
export function principalOf(context: ExecutionContext): AuthContext {
  const principal = context.switchToHttp().getRequest<{ auth?: AuthContext }>().auth;
  if (principal === undefined) {
    throw new Error(
      '@CurrentPrincipal() is only available on routes the AuthGuard authenticates (not @Public())',
    );
  }
  return principal;
}

/**
 * Injects the authenticated principal (`subject`, `roles`, `scopes`, `claims`, `tokenId`, `expiresAt`,
 * `method`) into a handler parameter.
 *
 * @example @Get('me') me(@CurrentPrincipal() principal: AuthContext) { return principal.subject; }
 */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext) =>
  principalOf(context),
);

/**
 * A request the `AuthGuard` let through: `request.auth` holds the principal.
 *
 * @example @Get('me') me(@Req() request: AuthenticatedRequest<Request>) { return request.auth.subject; }
 */
export type AuthenticatedRequest<TRequest extends object = object> = TRequest & {
  readonly auth: AuthContext;
};
