/** How a request was authenticated: `dpop` is an access token with its DPoP proof (RFC 9449). */
export type AuthMethod = 'bearer' | 'dpop' | 'cookie' | 'session' | 'apiKey';

/**
 * Who a request acts for, as every portcullis authentication method reports it. Frozen: a principal may be
 * shared by every request that presents the same token, so none may change it.
 */
export interface Principal {
  /** The user or service id (`sub`). */
  readonly subject: string;
  readonly roles: readonly string[];
  /** OAuth scopes (from `scope`, or `scp` for issuers that use an array). */
  readonly scopes: readonly string[];
  /** Every claim of the token, or the attributes of the key or session. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The token's `jti`, the API key's id, or `undefined`. */
  readonly tokenId: string | undefined;
  /** When the credential stops working, or `undefined` when it does not expire. */
  readonly expiresAt: Date | undefined;
}

/** The principal of a verified access token: it always has an expiry. */
export interface AccessTokenPrincipal extends Principal {
  readonly expiresAt: Date;
  /** The refresh-token family (`sid` claim) the token was issued from, when any. */
  readonly sessionId: string | undefined;
}
