/** Request header values as Node, Fetch or a framework hands them over: names lower-case, repeated headers as arrays. */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/**
 * The framework-neutral request every core handler takes. Adapters build it from their framework's request
 * and do nothing else with it.
 */
export interface AuthRequest {
  /** Upper-case HTTP method. */
  method: string;
  /** Path and query string as received (`/me?x=1`), or an absolute URL. */
  url: string;
  /** Lower-case header names. A repeated header must be passed as an array so that duplicates can be refused. */
  headers: RequestHeaders;
  /**
   * The body: raw text or bytes (preferred — core then parses it and enforces the 16 KiB limit the same way
   * on every framework) or a value the framework already parsed. `undefined` when absent.
   */
  body?: unknown;
  /** Route parameters, e.g. `{ id }` for `/api-keys/:id`. */
  params?: Readonly<Record<string, string>>;
  /**
   * The address of the socket's peer (Node's `socket.remoteAddress`, a runtime's `getConnInfo`): never a
   * framework's proxy-aware guess. Core works out the client from it and the headers under
   * `createAuth({ trustProxy })`, the same way on every framework.
   */
  remoteAddress?: string;
  /**
   * The client's address as core resolved it: set by core for its route handlers (which read it), not by
   * adapters. A request built by hand with `ip` and no `remoteAddress` has `ip` read as the socket's address.
   */
  ip?: string;
}

/** The framework-neutral response a core handler returns. Adapters copy it onto their response verbatim. */
export interface AuthResponse {
  status: number;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Serialised `Set-Cookie` values, one per cookie. */
  cookies: string[];
  /** JSON body; `undefined` for an empty body (204). */
  body?: unknown;
}
