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
    let result = await client.insert(plantsCollection.id, items);
    // Seen on Firestore under heavy machine load: the insert right after the create answered
    // COLLECTION_NOT_FOUND once. Said aloud, then retried for up to 5 s.
    for (let attempt = 0; attempt < 20 && result.body?.errorCode === 'COLLECTION_NOT_FOUND'; attempt++) {
      process.stderr.write('seed: collection not found right after its creation; retrying\n');
      await new Promise((resolve) => setTimeout(resolve, 250));
      result = await client.insert(plantsCollection.id, items);
    }
    if (result.status !== 200) throw new Error(`seed: insert failed ${JSON.stringify(result.body)}`);
  }
}
