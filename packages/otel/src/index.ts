// @portcullis/otel: OpenTelemetry spans and metrics for portcullis, every attribute from a fixed vocabulary.

export type { InstrumentAuthOptions } from './instrument-auth.js';
export { instrumentAuth } from './instrument-auth.js';
export type { InstrumentStoresOptions } from './instrument-stores.js';
export { instrumentStores } from './instrument-stores.js';
export type { OtelOptions } from './lib/telemetry.js';
export type { OtelEventHandlerOptions } from './otel-event-handler.js';
export { createOtelEventHandler } from './otel-event-handler.js';
