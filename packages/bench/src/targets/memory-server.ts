#!/usr/bin/env node
/**
 * Bench target: the full core (auth, validation, AST, evaluator, encoding)
 * over the memory storage, seeded with BENCH_ITEMS plants, logging like a
 * service (one JSON line per request at the default LOG_LEVEL; the bench sends
 * stdout to /dev/null), so a database service's ratio to it (goals.ts) is the
 * cost of its database client, not of the request log only this target skipped.
 * `LISTENING <url>` when ready.
 */
import { createAdaptor, createLogger, createVerifier, loadPublicKeys } from '@adaptors/core';
import { build } from '@adaptors/core/server';
import { createMemoryStorage, plantsCollection } from '@adaptors/testkit';

const keys = await loadPublicKeys(process.env.WIX_PUBLIC_KEYS ?? '');
const storage = createMemoryStorage({ collections: [plantsCollection] });
const count = Number(process.env.BENCH_ITEMS ?? 1000);
const now = new Date();
const items = Array.from({ length: count }, (_, i) => ({
  _id: `plant-${String(i).padStart(6, '0')}`,
  _createdDate: now,
  _updatedDate: now,
  commonName: `Plant ${i}`,
  family: ['Lamiaceae', 'Rosaceae', 'Solanaceae'][i % 3] as string,
  heightCm: i % 200,
  perennial: i % 2 === 0,
  tags: ['herb', 'culinary'].slice(0, i % 3),
}));
await storage.insert(plantsCollection, items, { overwrite: false });
const app = build({
  adaptor: createAdaptor({ storage, cursorSecret: 'bench-cursor-secret-bench-cursor-secret' }),
  verify: createVerifier({ keys }),
  logger: createLogger({ level: process.env.LOG_LEVEL ?? 'info' }),
});
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
