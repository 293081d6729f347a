import type { AuthEvent } from '@portcullis/core';
import { optionError } from '@portcullis/core/adapter';
import { meterOf, type OtelOptions } from './lib/telemetry.js';
import { safeAttributes } from './safe-attributes.js';

/** Options of {@link createOtelEventHandler}. */
export interface OtelEventHandlerOptions extends OtelOptions {
  /** Another `onEvent` (an audit log) that receives every event first, unchanged. */
  next?: (event: AuthEvent) => void;
}

/**
 * Builds an `onEvent` for `createAuth` that counts portcullis's security events as metrics:
 *
 * - `portcullis.events`, every event by `portcullis.event` (its `type`) and, where the event has them,
 *   `portcullis.reason` and `portcullis.method` (fixed words such as `rate_limited`, `totp`);
 * - `portcullis.login.throttled`, logins refused by the failed-login limits (429);
 * - `portcullis.refresh.reuse_detections`, refresh tokens presented again after rotation (the family is
 *   revoked: a stolen token, or a client retrying badly).
 *
 * No subject, e-mail, key id, family id or provider name becomes an attribute.
 *
 * @example
 * const auth = await createAuth({ ..., onEvent: createOtelEventHandler({ next: (event) => log.info(event) }) });
 */
export function createOtelEventHandler(options: OtelEventHandlerOptions = {}): (event: AuthEvent) => void {
  const { next } = options;
  if (next !== undefined && typeof next !== 'function')
    throw optionError(
      'createOtelEventHandler().next',
      'is not a function',
      'pass an onEvent handler, or omit it',
    );
  const meter = meterOf(options);
  const events = meter.createCounter('portcullis.events', {
    description: 'Security events of portcullis, by type (and reason or method where the event has one).',
  });
  const throttled = meter.createCounter('portcullis.login.throttled', {
    description: 'Password logins refused by the failed-login limits (429 rate_limited).',
  });
  const reuse = meter.createCounter('portcullis.refresh.reuse_detections', {
    description: 'Rotated refresh tokens presented again: each revokes its whole family.',
  });

  return function onEvent(event: AuthEvent): void {
    try {
      next?.(event);
    } finally {
      const fields = event as { type: unknown; reason?: unknown; method?: unknown };
      events.add(
        1,
        safeAttributes({
          'portcullis.event': fields.type,
          'portcullis.reason': fields.reason,
          'portcullis.method': fields.method,
        }),
      );
      if (event.type === 'login.failed' && event.reason === 'rate_limited') throttled.add(1);
      if (event.type === 'refresh.reuse_detected') reuse.add(1);
    }
  };
}
