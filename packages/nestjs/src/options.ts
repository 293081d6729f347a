import type { CredentialSource } from '@portcullis/core';
import { type AdapterAuth, assertAdapterAuth, optionError, resolveVia } from '@portcullis/core/adapter';

export interface PortcullisModuleOptions {
  /** What `createAuth()` returned, or a resource server (`createResourceServer()`). */
  auth: AdapterAuth;
  /** Credentials a route accepts when it has no `@Credentials()`. Default: bearer, access cookie, session cookie. */
  via?: readonly CredentialSource[];
  /** Whether to serve `auth.routes` (`/auth/*`, `/api-keys`, the JWKS, `/healthz`…). Default `true`. */
  routes?: boolean;
}

/** Checks the options once, at start-up: a misused option is a `TypeError`, never a request-time surprise. */
export function assertOptions(options: PortcullisModuleOptions): void {
  assertAdapterAuth(options?.auth, 'PortcullisModule.forRoot().auth', ['authenticate', 'routes']);
  resolveVia(options.via, 'PortcullisModule.forRoot().via');
  if (options.routes !== undefined && typeof options.routes !== 'boolean') {
    throw optionError(
      'PortcullisModule.forRoot().routes',
      `must be a boolean, not ${typeof options.routes}`,
      'pass false to serve no auth routes, or omit it for true',
    );
  }
}
