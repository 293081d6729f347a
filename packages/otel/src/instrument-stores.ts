import { context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import type { AuthStores } from '@portcullis/core';
import { isThenable, optionError } from '@portcullis/core/adapter';
import { errorClassOf, meterOf, type OtelOptions, tracerOf } from './lib/telemetry.js';
import { safeAttributes, safeSpanName } from './safe-attributes.js';

/** Options of {@link instrumentStores}: where its spans and metrics go. */
export interface InstrumentStoresOptions extends OtelOptions {}

/** Store latency buckets, in milliseconds: from a memory store's microseconds to a slow network's seconds. */
const DURATION_BUCKETS = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000];

/**
 * The names of a store's own properties and of the methods it inherits from its class (up to, not
 * including, `Object.prototype`): a store written as a class keeps its methods on the prototype.
 */
function memberNames(store: object): string[] {
  const names = new Set(Object.keys(store));
  for (
    let proto = Object.getPrototypeOf(store);
    proto !== null && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name !== 'constructor' && typeof Object.getOwnPropertyDescriptor(proto, name)?.value === 'function')
        names.add(name);
    }
  }
  return [...names];
}

/**
 * Wraps every method of every store so that each call is a span, `portcullis.store <store>.<method>`, and a
 * sample of the `portcullis.store.duration` histogram (milliseconds), both with the store, the method and
 * the outcome (`ok` or `error`, with the error's class name: never its message, never an argument). A
 * method that answers synchronously (a memory store's `revocations.isRevoked`) still does, and a
 * synchronous throw is still thrown. `rateLimiter` (a factory of `rate-limiter-flexible` limiters) is passed
 * on as it is.
 *
 * @example
 * const auth = await createAuth({ stores: instrumentStores(createPostgresStores({ pool })), ... });
 */
export function instrumentStores(stores: AuthStores, options: InstrumentStoresOptions = {}): AuthStores {
  if (typeof stores !== 'object' || stores === null)
    throw optionError(
      'instrumentStores(stores)',
      'is not a stores object',
      "pass createMemoryStores() or a store package's stores",
    );
  const tracer = tracerOf(options);
  const duration = meterOf(options).createHistogram('portcullis.store.duration', {
    description: 'Duration of portcullis store calls, by store, operation and outcome.',
    unit: 'ms',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });

  function instrument<T extends object>(storeName: string, store: T): T {
    const wrapped: Record<string, unknown> = {};
    for (const name of memberNames(store) as (keyof T & string)[]) {
      const member = store[name];
      if (typeof member !== 'function') {
        wrapped[name] = member;
        continue;
      }
      const base = { 'portcullis.store': storeName, 'portcullis.operation': name };
      const spanName = safeSpanName(
        'portcullis.store',
        [
          ['portcullis.store', storeName],
          ['portcullis.operation', name],
        ],
        '.',
      );
      const finish = (span: Span, start: number, error?: { thrown: unknown }) => {
        const outcome =
          error === undefined
            ? { ...base, 'portcullis.outcome': 'ok' }
            : { ...base, 'portcullis.outcome': 'error', 'error.type': errorClassOf(error.thrown) };
        const attributes = safeAttributes(outcome);
        span.setAttributes(attributes);
        // No message: an error's text may quote what the store was given.
        if (error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        duration.record(performance.now() - start, attributes);
      };
      wrapped[name] = (...args: unknown[]): unknown => {
        const start = performance.now();
        const span = tracer.startSpan(spanName, { kind: SpanKind.INTERNAL }, context.active());
        let result: unknown;
        try {
          // Looked up at call time, as core's own guard does: a method replaced later is still the one called.
          result = (store[name] as (...a: unknown[]) => unknown).apply(store, args);
        } catch (thrown) {
          finish(span, start, { thrown });
          throw thrown;
        }
        if (!isThenable(result)) {
          finish(span, start);
          return result;
        }
        return result.then(
          (value) => {
            finish(span, start);
            return value;
          },
          (thrown: unknown) => {
            finish(span, start, { thrown });
            throw thrown;
          },
        );
      };
    }
    return wrapped as T;
  }

  const instrumented: Record<string, unknown> = {};
  for (const [storeName, store] of Object.entries(stores)) {
    instrumented[storeName] =
      typeof store === 'object' && store !== null ? instrument(storeName, store as object) : store;
  }
  return instrumented as unknown as AuthStores;
}
