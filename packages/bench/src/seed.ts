/** Database targets start empty: the plants collection and 1,000 items, through the signed API. */
import { plantsCollection, type WixClient } from '@adaptors/testkit';

/** A fresh emulator may answer its first calls after the service's deadline (a 504, nothing changed): wait, then ask again. */
const SETTLING = new Set([503, 504]);

async function ensurePlants(client: WixClient): Promise<void> {
  const fields = plantsCollection.fields.filter((f) => !f.key.startsWith('_'));
  for (let attempt = 0; ; attempt++) {
    const existing = await client.listCollections([plantsCollection.id]);
    if (existing.status === 200 && existing.body?.collections?.length) return;
    if (existing.status === 200) {
      const created = await client.createCollection({ ...plantsCollection, fields });
      if (created.status === 200) return;
      if (!SETTLING.has(created.status) || attempt >= 10)
        throw new Error(`seed: create failed ${JSON.stringify(created.body)}`);
    } else if (!SETTLING.has(existing.status) || attempt >= 10) {
      throw new Error(`seed: listing collections failed ${JSON.stringify(existing.body)}`);
    }
    process.stderr.write(`seed: the engine is still settling (HTTP ${existing.status}); asking again\n`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

export async function seedPlants(client: WixClient, count = 1000): Promise<void> {
  await ensurePlants(client);
  for (let from = 0; from < count; from += 1000) {
    const items = Array.from({ length: Math.min(1000, count - from) }, (_, k) => {
      const i = from + k;
      return {
        _id: `plant-${String(i).padStart(6, '0')}`,
        commonName: `Plant ${i}`,
        family: ['Lamiaceae', 'Rosaceae', 'Solanaceae'][i % 3],
        heightCm: i % 200,
        perennial: i % 2 === 0,
        tags: ['herb', 'culinary'].slice(0, i % 3),
      };
    });
    const result = await client.insert(plantsCollection.id, items);
    if (result.status !== 200) throw new Error(`seed: insert failed ${JSON.stringify(result.body)}`);
  }
}
