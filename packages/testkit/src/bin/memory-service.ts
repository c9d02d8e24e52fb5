#!/usr/bin/env node
/**
 * The core on the memory storage, composed exactly like a database service
 * (config from env, `runService`): what `npm start` serves when no database
 * engine is needed. Data lives only as long as the process. Its release is
 * this package's version, which is the project's (lockstep releases,
 * packages/core/src/server/version.ts), as the services' main.ts report theirs.
 */
import { coreSettings, packageVersion, runService } from '@adaptors/core';
import { createMemoryStorage } from '../memory/memory-storage.ts';

await runService({
  name: 'memory',
  version: packageVersion(import.meta.url),
  settings: coreSettings,
  createStorage: async () => createMemoryStorage(),
});
