/**
 * A real local adaptor (the core's Fastify app on a real port over the memory
 * storage with the plants collection) that verifies with a given public key,
 * i.e. with the key `adaptors keys generate` wrote, as a deployed service would.
 */
import { createAdaptor, createVerifier, loadPublicKeys } from '@adaptors/core';
import { build } from '@adaptors/core/server';
import { createMemoryStorage, plantsCollection, samplePlants } from '@adaptors/testkit';

export async function startAdaptor(publicKeys: string): Promise<{ url: string; close: () => Promise<void> }> {
  const storage = createMemoryStorage({ collections: [plantsCollection] });
  const adaptor = createAdaptor({ storage, cursorSecret: 'cli-test-cursor-secret' });
  const app = build({ adaptor, verify: createVerifier({ keys: await loadPublicKeys(publicKeys) }) });
  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return { url, close: () => app.close() };
}

export { samplePlants };
