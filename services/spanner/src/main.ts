/**
 * Entry point of the Cloud Spanner adaptor as tsc builds it (dist/main.js): caches, then the
 * composition root (start.ts). The image runs the bundle instead, whose main.mjs loads
 * start.ts's bundled form through the bundle's own loader and code cache
 * (scripts/bundle-service.mjs).
 */
import { enableCompileCache } from 'node:module';

// Caches, before anything heavy is imported (hence the dynamic import below): V8's code
// cache of every file loaded after this line, kept by Node in the OS temp folder unless
// NODE_COMPILE_CACHE names one (services/spanner/DEPLOY.md, "Runtime").
enableCompileCache();

const { start } = await import('./start.ts');
await start(import.meta.url);
