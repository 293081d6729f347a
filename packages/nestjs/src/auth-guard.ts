import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AuthContext, type AuthenticateOptions, isAuthError, type Requirement } from '@portcullis/core';
import { authenticateNow, isThenable, type MaybePromise } from '@portcullis/core/adapter';
import {
  AcrValuesRequirement,
  CredentialSources,
  MaxAgeRequirement,
  PolicyRequirement,
  Public,
  RolesRequirement,
  ScopesRequirement,
} from './decorators.js';
import { type PlatformRequest, toAuthRequest } from './lib/platform.js';
import type { PortcullisModuleOptions } from './options.js';
import { PORTCULLIS_OPTIONS } from './options-token.js';

// Enforced in this order, every one (an implicit allOf): a missing role is refused (403) before a stale login
// (401), since authenticating again would not help.
const REQUIREMENTS = [
  RolesRequirement,
  ScopesRequirement,
  PolicyRequirement,
  MaxAgeRequirement,
  AcrValuesRequirement,
];

/**
 * The global guard `PortcullisModule` installs: authenticates every route unless `@Public()`, sets
 * `request.auth`, then enforces `@Roles()`, `@Scopes()`, `@Requires()`, `@FreshAuth()` and `@Acr()` through
 * `auth.authorize`, all of them. A handler's decorators beat its controller's, each kind on its own: a
 * `@Public()` controller's handler that declares any of them or `@Credentials()` is authenticated (it fails
 * closed).
 *
 * A refusal is thrown as `UnauthorizedException` / `ForbiddenException` (another status as `HttpException`)
 * whose response is the contract's `{error, error_description}` and whose `cause` is core's `AuthError`:
 * other filters and interceptors see an ordinary Nest exception, and `AuthExceptionFilter` answers with
 * `auth.errorResponse(cause)`, `WWW-Authenticate` (a step-up's `max_age` / `acr_values` too) and
 * `Retry-After` included. Outside HTTP (RPC, WebSocket) it only lets `@Public()` handlers through: it
 * fails closed.
 *
 * @example @Module({ imports: [PortcullisModule.forRoot({ auth })] }) // installs it for every route
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(PORTCULLIS_OPTIONS) private readonly options: PortcullisModuleOptions,
  ) {}

  // Decorators are read once per controller class and handler, not on every request: metadata is fixed
  // once the application has started.
  private readonly plans = new WeakMap<object, WeakMap<object, RoutePlan>>();

  /**
   * Answers synchronously when core does (a cached token, a memory store): Nest takes a boolean as well as
   * a promise, and the request then costs no promise of the guard's own.
   */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const plan = this.planFor(context);
    if (plan.isPublic) return true;
    if (context.getType() !== 'http') return false;
    const request = context.switchToHttp().getRequest<PlatformRequest>();
    const { auth } = this.options;
    const admit = (principal: AuthContext): true => {
      request.auth = principal;
      try {
        for (const requirement of plan.requirements) auth.authorize(principal, requirement);
      } catch (refusal) {
        throw toHttpException(refusal);
      }
      return true;
    };
    const refuse = (refusal: unknown): never => {
      throw toHttpException(refusal);
    };
    let principal: MaybePromise<AuthContext>;
    try {
      principal = authenticateNow(auth, toAuthRequest(request), plan.options);
    } catch (refusal) {
      return refuse(refusal);
    }
    return isThenable(principal) ? principal.then(admit, refuse) : admit(principal);
  }

  private planFor(context: ExecutionContext): RoutePlan {
    const controller = context.getClass();
    const handler = context.getHandler();
    let byHandler = this.plans.get(controller);
    if (byHandler === undefined) {
      byHandler = new WeakMap();
      this.plans.set(controller, byHandler);
    }
    let plan = byHandler.get(handler);
    if (plan === undefined) {
      plan = this.readPlan(controller, handler);
      byHandler.set(handler, plan);
    }
    return plan;
  }

  private readPlan(controller: object, handler: object): RoutePlan {
    const targets = [handler, controller] as Parameters<Reflector['getAllAndOverride']>[1];
    const requirements = REQUIREMENTS.map((decorator) =>
      this.reflector.getAllAndOverride(decorator, targets),
    ).filter((requirement) => requirement !== undefined);
    const via = this.reflector.getAllAndOverride(CredentialSources, targets) ?? this.options.via;
    return {
      isPublic: this.isPublic(controller, handler),
      options: via === undefined ? {} : { via },
      requirements,
    };
  }

  /** `@Public()` on the handler; on the controller, unless the handler asks for credentials or a requirement. */
  private isPublic(controller: object, handler: object): boolean {
    const get = (decorator: Parameters<Reflector['get']>[0], target: object) =>
      this.reflector.get(decorator, target as Parameters<Reflector['get']>[1]);
    if (get(Public, handler)) return true;
    if (!get(Public, controller)) return false;
    return [...REQUIREMENTS, CredentialSources].every((d) => get(d, handler) === undefined);
  }
}

/** What the guard does for one route, read from its decorators once. */
interface RoutePlan {
  isPublic: boolean;
  options: AuthenticateOptions;
  requirements: readonly Requirement[];
}

function toHttpException(error: unknown): unknown {
  if (!isAuthError(error)) return error;
  const body = { error: error.code, error_description: error.message };
  if (error.status === 401) return new UnauthorizedException(body, { cause: error });
  if (error.status === 403) return new ForbiddenException(body, { cause: error });
  return new HttpException(body, error.status, { cause: error });
}
