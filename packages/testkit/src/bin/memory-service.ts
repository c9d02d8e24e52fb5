#!/usr/bin/env node
/**
 * The core on the memory storage, composed exactly like a database service
 * (config from env, `runService`): what `npm start` serves when no database
 * engine is needed. Data lives only as long as the process.
 */
import { coreSettings, runService } from '@adaptors/core';
import { createMemoryStorage } from '../memory/memory-storage.ts';

await runService({ name: 'memory', settings: coreSettings, createStorage: async () => createMemoryStorage() });
