import { optionError } from '@portcullis/core/adapter';
import { isSingleMailbox } from './address.js';
import { isLoopbackHost, parseSmtpUrl, type SmtpEndpoint } from './smtp-url.js';

/** How long each step of a delivery may take, in milliseconds. */
export interface SmtpTimeouts {
  /** Opening the TCP (or TLS) connection, DNS lookup included. Default 10 000. */
  readonly connectMs?: number;
  /** Waiting for the server's `220` greeting once connected. Default 10 000. */
  readonly greetingMs?: number;
  /** Silence on an open connection (a reply that never comes). Default 10 000. */
  readonly socketMs?: number;
  /**
   * The whole `send`, from the call (a wait for a pooled connection included) to the server's acceptance:
   * a server that answers, slowly, forever is cut off here. Default 30 000.
   */
  readonly sendMs?: number;
}

/** Transport security. */
export interface SmtpTlsOptions {
  /**
   * With `smtp://`, refuse to send unless the server upgrades the connection with STARTTLS, so neither the
   * password nor a link crosses the network in clear. Default: `true`, except for a loopback host
   * (`localhost`, `127.x.x.x`, `::1`), where a development server usually has no certificate. With
   * `smtps://` the connection is encrypted from the start and this does not apply.
   */
  readonly requireStartTls?: boolean;
  /** Verify the server's certificate. Default `true`; turn off only for a development server. */
  readonly rejectUnauthorized?: boolean;
}

/** Reuse of connections. */
export interface SmtpPoolOptions {
  /** Connections open at once; further messages wait for one (within `timeouts.sendMs`). Default 5. */
  readonly maxConnections?: number;
  /** Messages sent over one connection before it is replaced. Default 100. */
  readonly maxMessages?: number;
}

/**
 * Options of `createSmtpMailer`. Everything but `url` and `from` has a default.
 */
export interface SmtpMailerOptions {
  /**
   * `smtp://[user:password@]host[:port]` (port 587 by default, STARTTLS) or `smtps://…` (port 465, TLS).
   * Percent-encode reserved characters of the user name and password. Validated at construction; never
   * echoed in an error.
   */
  readonly url: string;
  /** The sender, one RFC 5322 mailbox: `no-reply@example.com` or `Example <no-reply@example.com>`. */
  readonly from: string;
  readonly timeouts?: SmtpTimeouts;
  readonly tls?: SmtpTlsOptions;
  /**
   * Keep connections open and reuse them (`true` for the defaults). Default `false`: one connection per
   * message. Call `close()` on shutdown when pooling.
   */
  readonly pool?: boolean | SmtpPoolOptions;
}

/** The options after validation. */
export interface ResolvedSmtpOptions {
  readonly endpoint: SmtpEndpoint;
  readonly from: string;
  readonly timeouts: Required<SmtpTimeouts>;
  readonly tls: Required<SmtpTlsOptions>;
  readonly pool: Required<SmtpPoolOptions> | undefined;
}

const DEFAULT_TIMEOUTS: Required<SmtpTimeouts> = {
  connectMs: 10_000,
  greetingMs: 10_000,
  socketMs: 10_000,
  sendMs: 30_000,
};

const DEFAULT_POOL: Required<SmtpPoolOptions> = { maxConnections: 5, maxMessages: 100 };

/** Longest timeout accepted: ten minutes. Anything longer is a hang by another name. */
const MAX_TIMEOUT_MS = 600_000;

/** Validates `createSmtpMailer`'s options once, at construction, with a `TypeError` naming the option. */
export function resolveSmtpOptions(options: SmtpMailerOptions): ResolvedSmtpOptions {
  if (typeof options !== 'object' || options === null) {
    throw optionError('createSmtpMailer(options)', 'must be an object', 'pass { url, from }');
  }
  const endpoint = parseSmtpUrl(options.url);
  if (!isSingleMailbox(options.from)) {
    throw optionError(
      'createSmtpMailer.from',
      'must be exactly one e-mail address',
      'pass one, such as "Example <no-reply@example.com>"',
    );
  }
  const timeouts = { ...DEFAULT_TIMEOUTS };
  for (const name of Object.keys(DEFAULT_TIMEOUTS) as (keyof SmtpTimeouts)[]) {
    const value = options.timeouts?.[name];
    if (value === undefined) continue;
    timeouts[name] = integerIn(value, 1, MAX_TIMEOUT_MS, `timeouts.${name}`, 'milliseconds');
  }
  const tls = {
    requireStartTls: booleanOr(
      options.tls?.requireStartTls,
      !isLoopbackHost(endpoint.host),
      'tls.requireStartTls',
    ),
    rejectUnauthorized: booleanOr(options.tls?.rejectUnauthorized, true, 'tls.rejectUnauthorized'),
  };
  return { endpoint, from: options.from, timeouts, tls, pool: resolvePool(options.pool) };
}

function resolvePool(pool: SmtpMailerOptions['pool']): Required<SmtpPoolOptions> | undefined {
  if (pool === undefined || pool === false) return undefined;
  if (pool === true) return DEFAULT_POOL;
  if (typeof pool !== 'object' || pool === null) {
    throw optionError(
      'createSmtpMailer.pool',
      `must be a boolean or an object, not ${typeof pool}`,
      'pass true, false or { maxConnections, maxMessages }',
    );
  }
  return {
    maxConnections:
      pool.maxConnections === undefined
        ? DEFAULT_POOL.maxConnections
        : integerIn(pool.maxConnections, 1, 100, 'pool.maxConnections'),
    maxMessages:
      pool.maxMessages === undefined
        ? DEFAULT_POOL.maxMessages
        : integerIn(pool.maxMessages, 1, 100_000, 'pool.maxMessages'),
  };
}

function integerIn(value: unknown, min: number, max: number, name: string, unit = ''): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw optionError(
      `createSmtpMailer.${name}`,
      `must be an integer from ${min} to ${max}${unit === '' ? '' : ` ${unit}`}`,
      'omit it for the default',
    );
  }
  return value;
}

function booleanOr(value: unknown, fallback: boolean, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean')
    throw optionError(
      `createSmtpMailer.${name}`,
      `must be a boolean, not ${typeof value}`,
      'pass true or false, or omit it',
    );
  return value;
}
