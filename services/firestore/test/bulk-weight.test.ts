/**
 * A bulk insert of ordinary text (audit D1): 100 items of ~4 KB random text, and items of many
 * TEXT fields, stored whole and answered 200. Their `$wix` maps are built per transaction and the
 * transactions sized by entries (transactions.ts MAX_COMMIT_ENTRIES): before, 500 documents of
 * ~4,000 trigram keys each were built at once and killed a 160 MB heap. A text past
 * MAX_TRIGRAMS_PER_DOCUMENT is flagged `long`, and `$contains` on it stays exact.
 */
import type { Harness } from '@adaptors/testkit';
import { startHarness } from '@adaptors/testkit';
import type { Firestore } from '@google-cloud/firestore';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_TRIGRAMS_PER_DOCUMENT } from '../src/format.ts';
import { chunked, MAX_COMMIT_ENTRIES } from '../src/transactions.ts';
import { emulatorStorage } from './support.ts';

const closers: (() => Promise<void>)[] = [];
let h: Harness;
let db: Firestore;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789 ';
let seed = 7;
function text(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    out += ALPHABET[seed % ALPHABET.length];
  }
  return out;
}

beforeAll(async () => {
  const opened = emulatorStorage();
  db = opened.db;
  closers.push(() => opened.storage.close());
  h = await startHarness({ storage: opened.storage });
  closers.push(() => h.close());
});

afterAll(async () => {
  for (const close of closers.reverse()) await close();
});

describe('bulk insert of ordinary text (audit D1)', () => {
  test('100 items of ~4 KB random text: 200, stored whole, flagged long, $contains exact', async () => {
    expect(MAX_TRIGRAMS_PER_DOCUMENT).toBeLessThan(3990);
    expect((await h.client.createCollection({ id: 'texts', fields: [{ key: 'name', type: 'TEXT' }] })).status).toBe(
      200,
    );
    const items = Array.from({ length: 100 }, (_, i) => ({ _id: `r${i}`, name: text(3990) }));
    const inserted = await h.client.insert('texts', items);
    expect(inserted.status).toBe(200);
    expect(inserted.body.results.filter((r: { item?: unknown }) => r.item)).toHaveLength(100);
    const stored = await db.collection('texts').get();
    expect(stored.size).toBe(100);
    for (const doc of stored.docs) {
      expect(doc.get('name')).toBe(items[Number(doc.id.slice(1))]?.name);
      expect(doc.get('$wix.long.name')).toBe(true);
    }
    const needle = (items[42]?.name ?? '').slice(1000, 1012);
    const found = await h.client.query('texts', { filter: { name: { $contains: needle } } });
    expect(found.status).toBe(200);
    expect(found.body.items.map((i: { _id: string }) => i._id).sort()).toEqual(
      items
        .filter((i) => i.name.includes(needle))
        .map((i) => i._id)
        .sort(),
    );
  });

  test('items of 300 TEXT fields: 200, stored whole', async () => {
    const fields = Array.from({ length: 300 }, (_, j) => ({ key: `f${j}`, type: 'TEXT' }));
    expect((await h.client.createCollection({ id: 'wide', fields })).status).toBe(200);
    const items = Array.from({ length: 20 }, (_, i) => ({
      _id: `w${i}`,
      ...Object.fromEntries(fields.map((f, j) => [f.key, `value-${j}`])),
    }));
    const inserted = await h.client.insert('wide', items);
    expect(inserted.status).toBe(200);
    expect(inserted.body.results.filter((r: { item?: unknown }) => r.item)).toHaveLength(20);
    const stored = await db.collection('wide').get();
    expect(stored.size).toBe(20);
    for (const doc of stored.docs) expect(doc.get('f299')).toBe('value-299');
  });

  test('transactions are sized by entries, not 500 documents', () => {
    const entries = Array.from({ length: 100 }, (_, i) => ({ ref: { path: `c/${i}` }, entries: 4_000 }));
    const chunks = chunked(
      entries as unknown as { ref: import('@google-cloud/firestore').DocumentReference; entries: number }[],
      500,
      () => 0,
      (e) => e.entries,
    );
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.reduce((sum, e) => sum + e.entries, 0)).toBeLessThanOrEqual(MAX_COMMIT_ENTRIES);
    }
  });
});
