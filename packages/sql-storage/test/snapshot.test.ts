// A catalog read's collections, whole or read table by table on first use (src/snapshot.ts).
import type { StoredCollection } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { lazyCollectionSnapshot, SchemaSnapshotCache } from '../src/index.ts';

type View = { readonly stored: StoredCollection };
const view = (id: string): View => ({ stored: { id } as StoredCollection });

class Refused extends Error {}

/**
 * A catalog of `names` whose table reads are counted; `gone` tables answer undefined, `failing`
 * ones throw once, `refused` ones always throw a Refused (which a listing leaves out).
 */
function catalog(names: string[], options: { gone?: string[]; failing?: string[]; refused?: string[] } = {}) {
  const reads: string[] = [];
  const used: string[] = [];
  const failing = new Set(options.failing);
  const snapshot = () =>
    lazyCollectionSnapshot<View, { n: number }>(
      {
        names,
        read: async (name) => {
          reads.push(name);
          if (failing.delete(name)) throw new Error(`cannot read ${name}`);
          if (options.refused?.includes(name)) throw new Refused(`may not read ${name}`);
          return options.gone?.includes(name) ? undefined : view(name);
        },
        parallel: 2,
        onUse: (name) => used.push(name),
        leaveOutOfListing: (error) => error instanceof Refused,
      },
      { n: 1 },
    );
  return { reads, used, snapshot };
}

describe('lazyCollectionSnapshot', () => {
  test('a collection asked for is read once, shared by concurrent callers; other tables are not read', async () => {
    const { reads, used, snapshot } = catalog(['a', 'b', 'c']);
    const s = snapshot();
    const [x, y] = await Promise.all([s.collection('b'), s.collection('b')]);
    expect(x?.stored.id).toBe('b');
    expect(y).toBe(x);
    expect(await s.collection('b')).toBe(x);
    expect(reads).toEqual(['b']);
    expect(used).toEqual(['b', 'b', 'b']);
    expect(s.byStored.get((x as View).stored)).toBe(x);
  });

  test('a name the listing does not hold is undefined without a read; a listed table gone since is undefined', async () => {
    const { reads, snapshot } = catalog(['a', 'b'], { gone: ['b'] });
    const s = snapshot();
    expect(await s.collection('zzz')).toBeUndefined();
    expect(await s.collection('b')).toBeUndefined();
    expect(reads).toEqual(['b']);
  });

  test('all() reads what is left, a few at a time, in the listing order, without marking tables used', async () => {
    const { reads, used, snapshot } = catalog(['c', 'a', 'gone', 'b'], { gone: ['gone'] });
    const s = snapshot();
    await s.collection('a');
    expect([...(await s.all()).keys()]).toEqual(['c', 'a', 'b']);
    expect(reads.sort()).toEqual(['a', 'b', 'c', 'gone']);
    expect(used).toEqual(['a']);
    await s.all();
    expect(reads).toHaveLength(4);
  });

  test('a failed read is not kept: the error reaches its caller, the next caller reads again', async () => {
    const { reads, snapshot } = catalog(['a'], { failing: ['a'] });
    const s = snapshot();
    await expect(s.collection('a')).rejects.toThrow('cannot read a');
    expect((await s.collection('a'))?.stored.id).toBe('a');
    expect(reads).toEqual(['a', 'a']);
  });

  test('readAhead reads the listed, unread ones of the names it is given; they are then served without a read', async () => {
    const { reads, used, snapshot } = catalog(['a', 'b', 'c']);
    const s = snapshot();
    await s.collection('b');
    await s.readAhead(['a', 'b', 'not-listed']);
    expect(reads).toEqual(['b', 'a']);
    const a = await s.collection('a');
    expect(s.byStored.get((a as View).stored)).toBe(a);
    expect(reads).toEqual(['b', 'a']);
    expect(used).toEqual(['b', 'a']);
  });

  test('a table the listing may leave out is left out of all(); a call on it reads it again and meets the error', async () => {
    const { reads, snapshot } = catalog(['a', 'secret', 'b'], { refused: ['secret'] });
    const s = snapshot();
    expect([...(await s.all()).keys()]).toEqual(['a', 'b']);
    await expect(s.collection('secret')).rejects.toThrow('may not read secret');
    expect(reads.filter((name) => name === 'secret')).toHaveLength(2);
  });

  test('any other failed read fails all()', async () => {
    const { snapshot } = catalog(['a', 'b'], { failing: ['b'] });
    await expect(snapshot().all()).rejects.toThrow('cannot read b');
  });

  test('readAhead leaves a table that fails to read unread, and does not fail', async () => {
    const { reads, snapshot } = catalog(['a', 'b', 'c'], { failing: ['a'], refused: ['b'] });
    const s = snapshot();
    await s.readAhead(['a', 'b', 'c']);
    expect([...reads].sort()).toEqual(['a', 'b', 'c']);
    expect((await s.collection('a'))?.stored.id).toBe('a'); // read again, now readable
    await expect(s.collection('b')).rejects.toThrow('may not read b');
  });

  test('through the schema cache: a miss re-reads the listing, then reads only the table asked for', async () => {
    let names = ['a'];
    const reads: string[] = [];
    const cache = new SchemaSnapshotCache<View, ReturnType<typeof lazyCollectionSnapshot<View, object>>>(
      async () =>
        lazyCollectionSnapshot<View, object>(
          {
            names,
            read: async (name) => {
              reads.push(name);
              return view(name);
            },
            parallel: 8,
          },
          {},
        ),
      60_000,
    );
    expect((await cache.get('a'))?.id).toBe('a');
    names = ['a', 'b', 'c']; // created elsewhere
    expect((await cache.get('b'))?.id).toBe('b');
    expect(reads).toEqual(['a', 'b']);
    expect((await cache.list()).map((c) => c.id)).toEqual(['a', 'b', 'c']);
  });
});
