// @adaptors/testkit — Wix-like signing client, memory reference storage, harness.

export { type LocalEngine, localEngines, type PreparedEngine } from './bin/local-engines.ts';
export * from './client.ts';
export { type ClusterOptions, RoundRobinClient, type ServiceCluster, startServiceCluster } from './cluster.ts';
export { expectFrozenEngineAnswers, expectKilledMidLoadAnswers, untilAnswered } from './fault-checks.ts';
export * from './faults.ts';
export { freePort } from './free-port.ts';
export { expectGeneratedDoc } from './generated-doc.ts';
export * from './harness.ts';
export * from './legacy-client.ts';
export { toV1Filter, V1_FIELD_OPERATORS } from './legacy-filter-v1.ts';
export { memoryCapabilities } from './memory/capabilities.ts';
export { createMemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.ts';
export * from './sample-data.ts';
export { defineSelfTestSuite, type SelfTestTarget } from './self-test-suite.ts';
export { type ServerProcess, startServerProcess } from './service-process.ts';
export * from './signer.ts';
export type { OpenStorage, StorageUnderTest } from './storage-under-test.ts';
