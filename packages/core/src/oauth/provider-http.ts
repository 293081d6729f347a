import * as oauth from 'oauth4webapi';
import { optionError } from '../lib/option-error.js';

/** A `fetch` implementation (the global one by default), e.g. one routed through an outgoing proxy. */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** How portcullis talks to an authorization server: every request bounded by a timeout. */
export interface ProviderHttp {
  /** The transport options of one oauth4webapi call (timeout, fetch, plain HTTP for loopback only). */
  options<Method extends string, Body = undefined>(): oauth.HttpRequestOptions<Method, Body>;
  /** `fetch` with the same timeout, for the calls oauth4webapi does not make (e.g. GitHub's API). */
  fetch(url: string, init?: RequestInit): Promise<Response>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for `http:` URLs on the loopback interface, the only plain-HTTP URLs portcullis will call. */
export function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * Parses an authorization server URL from configuration: `https:`, or plain `http:` on the loopback
 * interface only (a local test provider). Anything else is a `TypeError` at start-up.
 */
export function serverUrl(value: unknown, what: string): URL {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    throw optionError(what, 'must be an absolute URL', 'give an https:// URL');
  }
  if (typeof value !== 'string' || (url.protocol !== 'https:' && !isLoopbackHttp(url)))
    throw optionError(
      what,
      'must use https',
      'give an https:// URL (plain http only for 127.0.0.1, localhost or [::1])',
    );
  if (url.username !== '' || url.password !== '' || url.hash !== '')
    throw optionError(what, 'must not carry credentials or a fragment', 'remove the user:password@ or #…');
  return url;
}

/**
 * Transport for the calls to one authorization server. Each request gets its own `timeoutMs` budget, which
 * covers reading the body too, so a server that accepts the connection and then stalls cannot hang a
 * sign-in. Plain HTTP is allowed only when the server itself is on the loopback interface.
 */
export function createProviderHttp(options: {
  timeoutMs: number;
  fetch: FetchLike | undefined;
  allowLoopbackHttp: boolean;
}): ProviderHttp {
  const { timeoutMs, allowLoopbackHttp } = options;
  const fetchImpl = options.fetch;
  const signal = () => AbortSignal.timeout(timeoutMs);
  return {
    options<Method extends string, Body = undefined>(): oauth.HttpRequestOptions<Method, Body> {
      const transport: oauth.HttpRequestOptions<Method, Body> = { signal };
      if (fetchImpl !== undefined)
        transport[oauth.customFetch] = (url, init) => fetchImpl(url, init as unknown as RequestInit);
      // Deprecated by oauth4webapi as a general switch; here it is only ever on for a loopback server.
      if (allowLoopbackHttp) transport[oauth.allowInsecureRequests] = true;
      return transport;
    },
    fetch(url, init = {}) {
      const target = new URL(url);
      if (target.protocol !== 'https:' && !(allowLoopbackHttp && isLoopbackHttp(target)))
        return Promise.reject(new TypeError('only https URLs may be called'));
      const request = { redirect: 'manual' as const, ...init, signal: signal() };
      return fetchImpl === undefined ? fetch(target.href, request) : fetchImpl(target.href, request);
    },
  };
}
