/**
 * Composition root of the Firestore adaptor (docs/design.md §3), the same in every
 * service: caches, then the core's runService (config, build, listen on
 * 0.0.0.0:$PORT, drain on SIGTERM and close the storage) over this service's
 * storage (open-storage.ts). `node main.mjs check` prints the configuration
 * report instead, without loading the database client.
 */
import { enableCompileCache } from 'node:module';

// Caches, before anything heavy is imported (hence the dynamic imports below): V8's code
// cache of every file loaded after this line; the image bakes it under NODE_COMPILE_CACHE,
// elsewhere Node keeps it in the OS temp folder (services/firestore/DEPLOY.md, "Runtime").
enableCompileCache();

const [{ packageVersion, runService }, { firestoreSettings }] = await Promise.all([
  import('@adaptors/core'),
  import('./settings.ts'),
]);

await runService({
  name: 'firestore',
  version: packageVersion(import.meta.url),
  settings: firestoreSettings,
  async createStorage(config, logger) {
    const { openStorage } = await import('./open-storage.ts');
    return openStorage(config, logger);
  },
});
