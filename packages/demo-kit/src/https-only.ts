import { AuthError } from '@portcullis/core';
import type { DemoConfig } from './env.js';

/**
 * In production the demo refuses plain-HTTP requests: 403 `invalid_request`. `X-Forwarded-Proto` counts only
 * with `TRUST_PROXY=1` (otherwise any client could claim HTTPS). Returns the error to answer with, or nothing.
 */
export function plainHttpRefusal(
  config: DemoConfig,
  encrypted: boolean,
  forwardedProto: string | undefined,
): AuthError | undefined {
  if (!config.production || encrypted) return undefined;
  if (config.trustProxy && forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https') return undefined;
  return new AuthError('invalid_request', 'HTTPS is required', { status: 403, reason: 'plain_http' });
}
