export type { ServiceProbe } from './services.js';
export { probeService } from './services.js';
export type { StoreSuiteFixture, StoreSuiteSetup } from './store-suite/context.js';
export { uniqueId } from './store-suite/context.js';
export { runStoreSuite } from './store-suite/run-store-suite.js';
