// @adaptors/testkit — Wix-like signing client, memory reference storage, harness.

export { type LocalEngine, localEngines, type PreparedEngine } from './bin/local-engines.ts';
export * from './client.ts';
export { freePort } from './free-port.ts';
export * from './harness.ts';
export { memoryCapabilities } from './memory/capabilities.ts';
export { createMemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.ts';
export * from './sample-data.ts';
export * from './signer.ts';
export type { OpenStorage, StorageUnderTest } from './storage-under-test.ts';
