#!/usr/bin/env node
/**
 * Bench target: the full core (auth, validation, AST, evaluator, encoding)
 * over the memory storage, seeded with BENCH_ITEMS plants.
 * `LISTENING <url>` when ready.
 */
import { build, createAdaptor, createVerifier, loadPublicKeys, silentLogger } from '@adaptors/core';
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
  logger: silentLogger,
});
const url = await app.listen({ port: Number(process.env.PORT ?? 0), host: '127.0.0.1' });
process.stdout.write(`LISTENING ${url}\n`);
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
