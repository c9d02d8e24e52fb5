/**
 * The fuzz run's data: the seeded collection (the same 40 items every run,
 * storable on every engine) and the fingerprint that proves it intact.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { WixClient } from '../client.ts';
import { itemArb as differentialItemArb } from '../conformance/suite-differential.ts';
import { hostileDate, hostileNumber, hostileString, hostileValue } from './hostile.ts';
import { normalise } from './judge.ts';

/** Count and SHA-256 of a collection's items (system dates and nulls dropped, sorted by _id). */
export async function fingerprint(
  client: WixClient,
  collectionId: string,
): Promise<{ count: number; checksum: string }> {
  const result = await client.query(collectionId, { paging: { limit: 1000 } });
  if (result.status !== 200) return { count: -1, checksum: `${result.status}` };
  const items = [...result.body.items].sort((x: { _id: string }, y: { _id: string }) =>
    x._id < y._id ? -1 : x._id > y._id ? 1 : 0,
  );
  return {
    count: items.length,
    checksum: createHash('sha256')
      .update(JSON.stringify(normalise(items)))
      .digest('hex'),
  };
}

/** 40 items: the differential suite's values and hostile ones, the same for every run. */
export function seedItems(): Record<string, unknown>[] {
  const o = { pending: false };
  const plain = fc.sample(differentialItemArb, { numRuns: 24, seed: 7 });
  const hostile = fc.sample(
    fc.record({
      name: hostileString(o).filter((s) => s.length <= 200 && s.isWellFormed()),
      score: hostileNumber(),
      flag: fc.boolean(),
      when: hostileDate(o).filter(
        (d) =>
          !/garbage|-30|-13|^$|1e3/.test(JSON.stringify(d)) &&
          typeof (d as { $date?: unknown }).$date === 'string' &&
          (d as { $date: string }).$date.includes('T') &&
          Object.keys(d as object).length === 1 &&
          inRange((d as { $date: string }).$date),
      ),
      labels: fc.array(
        hostileString(o).filter((s) => s.length <= 50 && s.isWellFormed()),
        { maxLength: 3 },
      ),
      // Seed data must be storable on every engine: no `__x__` keys (reserved by Firestore, and
      // `__proto__` refused by the core), no `$wixArray` key (reserved by Firestore), no empty keys (a
      // Firestore map cannot hold one), no lone surrogate (JSON writes it as an escape), and no deeper
      // than Firestore's 20 levels with room for arrays in arrays (they take two there).
      doc: hostileValue(o, 2).filter(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          !('$date' in v) &&
          !/"__\w*__"|"\$wixArray"|\\ud[89a-f]/i.test(JSON.stringify(v)) &&
          !JSON.stringify(v).includes('"":') &&
          depthOf(v) <= 18,
      ),
    }),
    { numRuns: 16, seed: 11 },
  );
  return [...plain, ...hostile].map((item, i) => ({ _id: `s${String(i).padStart(2, '0')}`, ...item }));
}

/** Years 0001–9999, what every engine stores (packages/core/src/wire/limits.ts). */
function inRange(text: string): boolean {
  const t = Date.parse(text);
  return t >= -62_135_596_800_000 && t <= 253_402_300_799_999;
}

/** Levels of objects and arrays in a value. */
function depthOf(value: unknown): number {
  if (typeof value !== 'object' || value === null) return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  return 1 + children.reduce((max: number, v) => Math.max(max, depthOf(v)), 0);
}
