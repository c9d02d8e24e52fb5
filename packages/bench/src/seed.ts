/** Database targets start empty: the plants collection and 1,000 items, through the signed API. */
import { plantsCollection, type WixClient } from '@adaptors/testkit';

export async function seedPlants(client: WixClient, count = 1000): Promise<void> {
  const existing = await client.listCollections([plantsCollection.id]);
  if (existing.body?.collections?.length === 0) {
    const fields = plantsCollection.fields.filter((f) => !f.key.startsWith('_'));
    const created = await client.createCollection({ ...plantsCollection, fields });
    if (created.status !== 200) throw new Error(`seed: create failed ${JSON.stringify(created.body)}`);
  }
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
