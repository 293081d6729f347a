import {
  type Meter,
  type MeterProvider,
  metrics,
  type Tracer,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';

/** Where spans and metrics go: the globally registered providers unless given. */
export interface OtelOptions {
  /** Default: the global tracer provider (`trace.getTracerProvider()`, what the OpenTelemetry SDK registers). */
  tracerProvider?: TracerProvider;
  /** Default: the global meter provider (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
}

/** The instrumentation scope of every span and metric this package makes. */
export const SCOPE = '@portcullis/otel';

export function tracerOf(options: OtelOptions): Tracer {
  return (options.tracerProvider ?? trace.getTracerProvider()).getTracer(SCOPE);
}

export function meterOf(options: OtelOptions): Meter {
  return (options.meterProvider ?? metrics.getMeterProvider()).getMeter(SCOPE);
}

/** The class name of what was thrown (`AuthError`, `TypeError`), never its message. */
export function errorClassOf(error: unknown): string {
  const name = (error as { constructor?: { name?: unknown } } | null)?.constructor?.name;
  return typeof name === 'string' && name !== '' ? name : 'unknown';
}
