// @adaptors/testkit — Wix-like signing client, memory reference storage, harness.
export * from './signer.ts';
export * from './client.ts';
export * from './harness.ts';
export { createMemoryStorage, type MemoryStorageOptions } from './memory/memory-storage.ts';
export { memoryCapabilities } from './memory/capabilities.ts';
export * from './sample-data.ts';
