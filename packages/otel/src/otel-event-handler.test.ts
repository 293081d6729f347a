import type { AuthEvent } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createOtelEventHandler } from './otel-event-handler.js';
import { createTestTelemetry, type TestTelemetry } from './testing/telemetry.js';

let telemetry: TestTelemetry;
afterEach(() => telemetry?.shutdown());

function setup(next?: (event: AuthEvent) => void) {
  telemetry = createTestTelemetry();
  return createOtelEventHandler({ meterProvider: telemetry.meterProvider, ...(next ? { next } : {}) });
}

describe('createOtelEventHandler', () => {
  it('counts every event by type, with its reason or method, and nothing that names a user', async () => {
    const onEvent = setup();
    onEvent({ type: 'login.succeeded', subject: 'alice@example.com', method: 'password' });
    onEvent({ type: 'login.failed', reason: 'invalid_credentials' });
    onEvent({ type: 'token.refused', reason: 'expired' });
    onEvent({ type: 'keys.rotated', kid: 'k-2026-12-05' });
    onEvent({ type: 'logout', subject: undefined });
    expect(await telemetry.points('portcullis.events')).toEqual(
      expect.arrayContaining([
        { attributes: { 'portcullis.event': 'login.succeeded', 'portcullis.method': 'password' }, value: 1 },
        {
          attributes: { 'portcullis.event': 'login.failed', 'portcullis.reason': 'invalid_credentials' },
          value: 1,
        },
        { attributes: { 'portcullis.event': 'token.refused', 'portcullis.reason': 'expired' }, value: 1 },
        { attributes: { 'portcullis.event': 'keys.rotated' }, value: 1 },
        { attributes: { 'portcullis.event': 'logout' }, value: 1 },
      ]),
    );
  });

  it('counts throttled logins and refresh reuse detections on their own', async () => {
    const onEvent = setup();
    onEvent({ type: 'login.failed', reason: 'rate_limited' });
    onEvent({ type: 'login.failed', reason: 'rate_limited' });
    onEvent({ type: 'login.failed', reason: 'invalid_credentials' });
    onEvent({ type: 'refresh.reuse_detected', subject: 'u1', familyId: 'f1' });
    expect(await telemetry.total('portcullis.login.throttled')).toBe(2);
    expect(await telemetry.total('portcullis.refresh.reuse_detections')).toBe(1);
  });

  it('hands every event to `next` first, and counts it even when `next` throws', async () => {
    const seen: AuthEvent[] = [];
    const onEvent = setup((event) => {
      seen.push(event);
      throw new Error('audit log down');
    });
    const event: AuthEvent = { type: 'logout', subject: 'u1' };
    expect(() => onEvent(event)).toThrow('audit log down');
    expect(seen).toEqual([event]);
    expect(await telemetry.total('portcullis.events', { 'portcullis.event': 'logout' })).toBe(1);
  });

  it('refuses a `next` that is not a function at start-up', () => {
    expect(() => createOtelEventHandler({ next: 'log' as never })).toThrow(
      /^portcullis: createOtelEventHandler\(\)\.next: is not a function; /,
    );
  });
});
