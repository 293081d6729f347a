import { createMemoryStores } from '@portcullis/core';
import { afterEach, describe, expect, it } from 'vitest';
import { instrumentStores } from './instrument-stores.js';
import { createTestTelemetry, ERROR, type TestTelemetry } from './testing/telemetry.js';

let telemetry: TestTelemetry;
afterEach(() => telemetry?.shutdown());

function setup() {
  telemetry = createTestTelemetry();
  const stores = createMemoryStores();
  const instrumented = instrumentStores(stores, {
    tracerProvider: telemetry.tracerProvider,
    meterProvider: telemetry.meterProvider,
  });
  return { stores, instrumented };
}

describe('instrumentStores', () => {
  it('makes each store call a span named after the store and method, with its outcome', async () => {
    const { instrumented } = setup();
    await instrumented.sessions.get('no-such-session-id-0123456789', 0);
    const [span] = telemetry.spans();
    expect(span?.name).toBe('portcullis.store sessions.get');
    expect(span?.attributes).toEqual({
      'portcullis.store': 'sessions',
      'portcullis.operation': 'get',
      'portcullis.outcome': 'ok',
    });
    expect(await telemetry.total('portcullis.store.duration', { 'portcullis.operation': 'get' })).toBe(1);
  });

  it('keeps a synchronous answer synchronous', () => {
    const { stores, instrumented } = setup();
    const check = { tokenId: 'jti-1', sessionId: undefined, subject: 'user-1', issuedAt: 0 };
    const direct = stores.revocations.isRevoked(check, 0);
    const answer = instrumented.revocations.isRevoked(check, 0);
    // The memory store answers without a promise; so does its instrumented form.
    expect(typeof direct).toBe('boolean');
    expect(answer).toBe(direct);
    expect(telemetry.spans().map((span) => span.name)).toEqual(['portcullis.store revocations.isRevoked']);
  });

  it('records a failure by its class name only, and passes the error on unchanged', async () => {
    const { stores, instrumented } = setup();
    class ConnectionLost extends Error {}
    const lost = new ConnectionLost('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2');
    stores.sessions.get = async () => {
      throw lost;
    };
    await expect(instrumented.sessions.get('x', 0)).rejects.toBe(lost);
    const sync = new TypeError('bad input secret-value');
    stores.apiKeys.findById = () => {
      throw sync;
    };
    expect(() => instrumented.apiKeys.findById('x')).toThrow(sync);
    const [asyncSpan, syncSpan] = telemetry.spans();
    expect(asyncSpan?.attributes).toMatchObject({
      'portcullis.outcome': 'error',
      'error.type': 'ConnectionLost',
    });
    expect(asyncSpan?.status).toEqual({ code: ERROR });
    expect(asyncSpan?.events).toEqual([]);
    expect(syncSpan?.attributes).toMatchObject({ 'error.type': 'TypeError' });
    expect(
      await telemetry.total('portcullis.store.duration', {
        'portcullis.store': 'sessions',
        'portcullis.outcome': 'error',
      }),
    ).toBe(1);
  });

  it('wraps methods a store inherits from its class, and passes non-objects through', async () => {
    telemetry = createTestTelemetry();
    class ClassStore {
      async get(id: string) {
        return id.length;
      }
    }
    const memory = createMemoryStores();
    const instrumented = instrumentStores(
      { ...memory, identities: new ClassStore() as never, mfa: undefined },
      { tracerProvider: telemetry.tracerProvider, meterProvider: telemetry.meterProvider },
    );
    await (instrumented.identities as unknown as ClassStore).get('abc');
    expect(telemetry.spans()[0]?.name).toBe('portcullis.store identities.get');
    expect(instrumented.rateLimiter).toBe(memory.rateLimiter);
    expect(instrumented.mfa).toBeUndefined();
  });

  it('refuses what is not a stores object at start-up', () => {
    expect(() => instrumentStores(undefined as never)).toThrow(
      /^portcullis: instrumentStores\(stores\): is not a stores object; /,
    );
  });
});
