export { fetchInject } from './adapter-suite/fetch-inject.js';
export type { RawHttpRequest, RawHttpResponse, RawOutcome } from './adapter-suite/raw-http.js';
export { onOneConnection, ResponseReader } from './adapter-suite/raw-http.js';
export { runAdapterSuite, SUITE_ORIGIN } from './adapter-suite/run-adapter-suite.js';
export type { ListenTestApp } from './adapter-suite/run-keep-alive-suite.js';
export { runKeepAliveSuite } from './adapter-suite/run-keep-alive-suite.js';
export type { MountResourceServer } from './adapter-suite/run-resource-server-suite.js';
export { runResourceServerSuite } from './adapter-suite/run-resource-server-suite.js';
export type { CreateTestApp, Inject, InjectedRequest, InjectedResponse } from './adapter-suite/types.js';
export { freePort, isReachable } from './net.js';
export { createNodeListener } from './node-host.js';
export { probeRedisCluster, type RedisCluster, startRedisCluster } from './redis-cluster.js';
export type { ServiceProbe } from './services.js';
export { probeService } from './services.js';
export type {
  SoftAuthenticationContext,
  SoftAuthenticationResponse,
  SoftAuthenticator,
  SoftAuthenticatorOptions,
  SoftCreationOptions,
  SoftCredential,
  SoftRegistrationContext,
  SoftRegistrationResponse,
  SoftRequestOptions,
} from './soft-authenticator.js';
export { createSoftAuthenticator } from './soft-authenticator.js';
export type { ReadyProcess } from './spawn-until-ready.js';
export { spawnUntilReady } from './spawn-until-ready.js';
export type { StoreSuiteFixture, StoreSuiteSetup } from './store-suite/context.js';
export { uniqueId } from './store-suite/context.js';
export { runStoreSuite } from './store-suite/run-store-suite.js';
export type {
  UserDirectoryFixture,
  UserDirectorySetup,
} from './user-directory-suite/run-user-directory-suite.js';
export { runUserDirectorySuite } from './user-directory-suite/run-user-directory-suite.js';
