export { runAdapterSuite, SUITE_ORIGIN } from './adapter-suite/run-adapter-suite.js';
export type { CreateTestApp, Inject, InjectedRequest, InjectedResponse } from './adapter-suite/types.js';
export { createNodeListener } from './node-host.js';
export type { ServiceProbe } from './services.js';
export { probeService } from './services.js';
export type { StoreSuiteFixture, StoreSuiteSetup } from './store-suite/context.js';
export { uniqueId } from './store-suite/context.js';
export { runStoreSuite } from './store-suite/run-store-suite.js';
