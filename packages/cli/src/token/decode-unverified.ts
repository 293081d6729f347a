import { CliError } from '../lib/cli-error.js';
import { EXIT } from '../lib/exit-codes.js';

/** A JWT's two JSON parts, read WITHOUT checking its signature: anyone can write them. */
export interface UnverifiedJwt {
  readonly header: Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

function malformed(problem: string): CliError {
  return new CliError('invalid_token', `not a JWT: ${problem}`, EXIT.refused, { reason: 'malformed_jws' });
}

function jsonObject(segment: string, part: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    throw malformed(`its ${part} is not base64url JSON`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw malformed(`its ${part} is not a JSON object`);
  return parsed as Record<string, unknown>;
}

/**
 * Decodes a compact JWS's header and payload for reading only. Nothing here says the token is genuine:
 * `token verify` does that, with core's verifier.
 *
 * @example decodeUnverified(token).payload.sub
 */
export function decodeUnverified(token: string): UnverifiedJwt {
  const parts = token.split('.');
  if (parts.length === 5) throw malformed('an encrypted JWT (JWE) cannot be read without its key');
  if (parts.length !== 3 || !parts.every((part) => /^[A-Za-z0-9_-]*$/.test(part)))
    throw malformed('expected three base64url segments joined by dots');
  return { header: jsonObject(parts[0]!, 'header'), payload: jsonObject(parts[1]!, 'payload') };
}
