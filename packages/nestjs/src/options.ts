import type { CredentialSource } from '@portcullis/core';
import type { AdapterAuth } from '@portcullis/core/adapter';

export interface PortcullisModuleOptions {
  /** What `createAuth()` returned, or a resource server (`createResourceServer()`). */
  auth: AdapterAuth;
  /** Credentials a route accepts when it has no `@Credentials()`. Default: bearer, access cookie, session cookie. */
  via?: readonly CredentialSource[];
  /** Whether to serve `auth.routes` (`/auth/*`, `/api-keys`, the JWKS, `/healthz`…). Default `true`. */
  routes?: boolean;
}

const SOURCES: readonly string[] = ['bearer', 'apiKey', 'cookie', 'session'];

/** Checks the options once, at start-up: a misused option is a `TypeError`, never a request-time surprise. */
export function assertOptions(options: PortcullisModuleOptions): void {
  const auth = options?.auth as Partial<AdapterAuth> | undefined;
  if (typeof auth?.authenticate !== 'function' || !Array.isArray(auth.routes)) {
    throw new TypeError(
      'PortcullisModule: options.auth must be what createAuth() or createResourceServer() returned',
    );
  }
  if (options.via !== undefined) assertSources('options.via', options.via);
  if (options.routes !== undefined && typeof options.routes !== 'boolean') {
    throw new TypeError('PortcullisModule: options.routes must be a boolean');
  }
}

/** Refuses an empty or unknown list of credential sources. */
export function assertSources(where: string, sources: readonly string[]): void {
  if (!Array.isArray(sources) || sources.length === 0 || !sources.every((s) => SOURCES.includes(s))) {
    throw new TypeError(`${where} must list one or more of ${SOURCES.join(', ')}`);
  }
}
