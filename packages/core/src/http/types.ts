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
  /** Parsed JSON body, when the route has one. `undefined` when absent. */
  body?: unknown;
  /** The client's address as the framework determined it (its proxy-trust settings apply). */
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
