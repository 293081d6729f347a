/** Node's codes for a connection that could not be made or was lost. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * SQLSTATE codes meaning "this server cannot be used": connection exceptions (class 08), failed
 * authentication (class 28), an unknown database (3D000), and a server shutting down or starting (57P01–03).
 */
function isUnusableServerState(code: string): boolean {
  return code.startsWith('08') || code.startsWith('28') || code === '3D000' || /^57P0[123]$/.test(code);
}

/** What the pg and ioredis clients say when the connection is gone, timed out or never came up. */
const CONNECTION_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i,
  /Stream isn't writeable/i,
  /Command timed out/i,
  /Reached the max retries per request limit/i,
  /connect ETIMEDOUT/i,
];

/**
 * True when `error` (or an error it wraps) says the store could not be reached, as opposed to the store
 * refusing what was asked of it.
 *
 * @example isUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })) // true
 */
export function isUnreachable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  const { code, message, name, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    name?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || (code.length === 5 && isUnusableServerState(code)))
  )
    return true;
  if (name === 'MaxRetriesPerRequestError') return true;
  if (typeof message === 'string' && CONNECTION_MESSAGES.some((pattern) => pattern.test(message)))
    return true;
  // An AggregateError (several addresses tried) is unreachable when every attempt was.
  if (Array.isArray(errors) && errors.length > 0 && errors.every((e) => isUnreachable(e, depth + 1)))
    return true;
  return isUnreachable(cause, depth + 1);
}

/** The short reason to print: a Node or SQLSTATE code, never a message that might quote a URL. */
export function unreachableReason(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code;
  const nested = (error as { errors?: unknown[]; cause?: unknown } | null)?.errors?.[0];
  if (nested !== undefined) return unreachableReason(nested);
  const cause = (error as { cause?: unknown } | null)?.cause;
  return cause === undefined ? 'connection failed' : unreachableReason(cause);
}
