// The schema snapshot cache the SQL storages share (src/schema-cache.ts; packages/core/SCALING.md).
import type { StoredCollection } from '@adaptors/core';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { type CollectionSnapshot, collectionSnapshot, SchemaSnapshotCache } from '../src/index.ts';

const stored = (id: string): StoredCollection => ({ id }) as StoredCollection;
type View = { readonly stored: StoredCollection };
type Snap = CollectionSnapshot<View> & { readonly n: number };

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve: (value: T) => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SchemaSnapshotCache', () => {
  test('concurrent callers share one load; the snapshot is reused while fresh', async () => {
    let loads = 0;
    const cache = new SchemaSnapshotCache<View, Snap>(
      async () => collectionSnapshot(new Map([['a', { stored: stored('a') }]]), { n: ++loads }),
      60_000,
    );
    const [x, y] = await Promise.all([cache.snapshot(), cache.snapshot()]);
    expect(x).toBe(y);
    expect(await cache.snapshot()).toBe(x);
    expect(loads).toBe(1);
    expect((await cache.list()).map((s) => s.id)).toEqual(['a']);
  });

  test('a load in flight when invalidated is answered but not kept', async () => {
    const first = deferred<Snap>();
    let calls = 0;
    const cache = new SchemaSnapshotCache<View, Snap>(() => {
      calls++;
      return calls === 1 ? first.promise : Promise.resolve(collectionSnapshot(new Map(), { n: calls }));
    }, 60_000);
    const pending = cache.snapshot();
    cache.invalidate();
    first.resolve(collectionSnapshot(new Map(), { n: 1 }));
    expect((await pending).n).toBe(1);
    expect((await cache.snapshot()).n).toBe(2);
  });

  test('resolve finds the core’s StoredCollection by identity, then by id, else COLLECTION_NOT_FOUND', async () => {
    const view = { stored: stored('a') };
    const cache = new SchemaSnapshotCache<View, Snap>(
      async () => collectionSnapshot(new Map([['a', view]]), { n: 0 }),
      60_000,
    );
    expect(await cache.resolve(view.stored)).toBe(view);
    expect(await cache.resolve(stored('a'))).toBe(view);
    await expect(cache.resolve(stored('gone'))).rejects.toMatchObject({ code: 'COLLECTION_NOT_FOUND' });
  });
});

describe('SchemaSnapshotCache across instances (packages/core/SCALING.md)', () => {
  // The "database": a version token and a catalog another instance may change.
  function world(ids: string[], checkMs = 0) {
    const state = { version: 'v1', ids, versionReads: 0, loads: 0 };
    const cache = new SchemaSnapshotCache<View, Snap>(
      async () => {
        state.loads++;
        return collectionSnapshot(new Map(state.ids.map((id) => [id, { stored: stored(id) }])), { n: state.loads });
      },
      60_000,
      {
        read: async () => {
          state.versionReads++;
          return state.version;
        },
        checkMs,
      },
    );
    return { state, cache };
  }

  test('a new version (a change through another instance) drops the snapshot', async () => {
    const { state, cache } = world(['a', 'b']);
    expect((await cache.list()).map((c) => c.id)).toEqual(['a', 'b']);
    state.ids = ['a'];
    expect((await cache.list()).map((c) => c.id)).toEqual(['a', 'b']); // same version: kept
    state.version = 'v2';
    expect((await cache.list()).map((c) => c.id)).toEqual(['a']);
    expect(state.loads).toBe(2);
  });

  test('a miss re-reads the catalog before answering NOT_FOUND (a collection created elsewhere, version not seen)', async () => {
    const { state, cache } = world(['a']);
    await cache.list();
    state.ids = ['a', 'fresh']; // created outside this cache's sight, same version
    expect((await cache.get('fresh'))?.id).toBe('fresh');
    expect(await cache.get('never')).toBeUndefined();
  });

  test('concurrent misses share one catalog read', async () => {
    const { state, cache } = world(['a'], 60_000);
    await cache.list();
    const loads = state.loads;
    const answers = await Promise.all(['x', 'y', 'z', 'x'].map((id) => cache.byId(id)));
    expect(answers).toEqual([undefined, undefined, undefined, undefined]);
    expect(state.loads).toBe(loads + 1);
  });

  test('refresh tells whether the collection changed', async () => {
    const { state, cache } = world(['a']);
    await cache.list();
    expect(await cache.refresh('a')).toBe(false);
    state.ids = ['a', 'b'];
    expect(await cache.refresh('b')).toBe(true);
  });

  test('refresh says changed when the snapshot was replaced after the missing call began (it may have run on the older one)', async () => {
    const { state, cache } = world(['a'], 60_000);
    await cache.list();
    const callBegan = Date.now();
    // Another instance changes `a`'s definition; this instance's own check then reloads (here:
    // invalidate, as a version change does) before the call that missed asks to refresh.
    state.ids = ['a'];
    cache.invalidate();
    await cache.list();
    // Compared with the current snapshot, nothing changed; but the call began before it was stored.
    expect(await cache.refresh('a', callBegan)).toBe(true);
    // A call that began after the replacement: an ordinary comparison.
    await new Promise((resolve) => setTimeout(resolve, 2));
    expect(await cache.refresh('a', Date.now())).toBe(false);
    expect(await cache.refresh('a')).toBe(false);
  });

  test("changed(): this instance's own version is trusted without reading it back", async () => {
    const { state, cache } = world(['a']);
    await cache.list();
    state.version = 'mine';
    cache.changed('mine');
    const reads = state.versionReads;
    await cache.list();
    // checkMs 0 still reads for the next caller, but the snapshot loaded after changed() is kept.
    expect(state.versionReads).toBeGreaterThanOrEqual(reads);
    const loads = state.loads;
    await cache.list();
    expect(state.loads).toBe(loads);
  });
});

describe('SchemaSnapshotCache past its TTL (the backstop for changes made by hand)', () => {
  const TTL = 30_000;
  afterEach(() => {
    vi.useRealTimers();
  });

  // Loads answer when the test says so; `fail` makes the next ones fail.
  function slowWorld(ttlMs = TTL) {
    const state = { loads: 0, fail: false, pending: [] as { resolve: () => void }[] };
    const cache = new SchemaSnapshotCache<View, Snap>(() => {
      const n = ++state.loads;
      const failing = state.fail;
      const answer = deferred<Snap>();
      state.pending.push({
        resolve: () =>
          failing
            ? answer.reject(new Error('catalog unreachable'))
            : answer.resolve(collectionSnapshot(new Map([['a', { stored: stored('a') }]]), { n })),
      });
      return answer.promise;
    }, ttlMs);
    const settle = async () => {
      for (const p of state.pending.splice(0)) p.resolve();
      await new Promise((r) => setImmediate(r));
    };
    return { state, cache, settle };
  }

  test('an expired snapshot answers at once while one read replaces it; the next caller gets the new one', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { state, cache, settle } = slowWorld();
    const first = cache.snapshot();
    await settle();
    expect((await first).n).toBe(1);

    vi.setSystemTime(Date.now() + TTL + 1);
    // Neither caller waits for the read: both are answered from the expired snapshot, one read started.
    expect((await cache.snapshot()).n).toBe(1);
    expect((await cache.snapshot()).n).toBe(1);
    expect(state.loads).toBe(2);
    await settle();
    expect((await cache.snapshot()).n).toBe(2);
    expect(state.loads).toBe(2);
  });

  test('past a second TTL (reads failing meanwhile) callers wait for a read and meet its error', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { state, cache, settle } = slowWorld();
    const first = cache.snapshot();
    await settle();
    await first;

    state.fail = true;
    vi.setSystemTime(Date.now() + TTL + 1);
    expect((await cache.snapshot()).n).toBe(1);
    await settle(); // the background read fails: nothing is thrown at anyone, the snapshot stays
    expect((await cache.snapshot()).n).toBe(1);
    expect(state.loads).toBe(3); // that caller started another read

    vi.setSystemTime(Date.now() + TTL);
    const waiting = expect(cache.snapshot()).rejects.toThrow('catalog unreachable');
    await settle();
    await waiting;
  });

  test('a TTL of 0 reads before every call, in the foreground', async () => {
    const { state, cache, settle } = slowWorld(0);
    const first = cache.snapshot();
    await settle();
    expect((await first).n).toBe(1);
    const second = cache.snapshot();
    let answered = false;
    void second.then(() => {
      answered = true;
    });
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false); // waits for its own read
    await settle();
    expect((await second).n).toBe(2);
    expect(state.loads).toBe(2);
  });

  test('a new version is never answered from the old snapshot, expired or not', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let version = 'v1';
    let loads = 0;
    const cache = new SchemaSnapshotCache<View, Snap>(async () => collectionSnapshot(new Map(), { n: ++loads }), TTL, {
      read: async () => version,
      checkMs: 0,
    });
    expect((await cache.snapshot()).n).toBe(1);
    vi.setSystemTime(Date.now() + TTL + 1);
    version = 'v2';
    expect((await cache.snapshot()).n).toBe(2);
  });
});

describe('SchemaSnapshotCache.warm: the start-time read, version and catalog at once (packages/core/SCALING.md)', () => {
  const CHECK_MS = 1_000;
  afterEach(() => {
    vi.useRealTimers();
  });

  // Version reads and catalog reads answer when the test says so, with the database's state at that moment.
  function startWorld() {
    vi.useFakeTimers({ toFake: ['performance'] });
    const state = { version: 'v1', ids: ['a'], reads: [] as (() => void)[], loads: [] as (() => void)[] };
    const cache = new SchemaSnapshotCache<View, Snap>(
      () => {
        const n = state.loads.length + 1;
        const answer = deferred<Snap>();
        state.loads.push(() =>
          answer.resolve(collectionSnapshot(new Map(state.ids.map((id) => [id, { stored: stored(id) }])), { n })),
        );
        return answer.promise;
      },
      60_000,
      {
        read: () => {
          const answer = deferred<string | undefined>();
          state.reads.push(() => answer.resolve(state.version));
          return answer.promise;
        },
        checkMs: CHECK_MS,
      },
    );
    return { state, cache };
  }
  const tick = () => new Promise((r) => setImmediate(r));
  const ids = async (snapshot: Snap) => [...(await snapshot.all()).keys()];
  /** Whether `promise` has settled after the pending callbacks ran. */
  async function settled(promise: Promise<unknown>): Promise<boolean> {
    let done = false;
    promise.then(
      () => {
        done = true;
      },
      () => {
        done = true;
      },
    );
    await tick();
    return done;
  }

  test('the version read and the catalog read both start before either answers', async () => {
    const { state, cache } = startWorld();
    const warming = cache.warm();
    await tick();
    expect(state.reads).toHaveLength(1);
    expect(state.loads).toHaveLength(1);
    expect(await settled(warming)).toBe(false);
    state.loads[0]?.();
    expect(await settled(warming)).toBe(false); // the version read is still out
    state.reads[0]?.();
    expect((await warming).n).toBe(1);
  });

  test('the provisional snapshot is served without waiting: callers during warm share its load, later ones read nothing', async () => {
    const { state, cache } = startWorld();
    const warming = cache.warm();
    const early = cache.snapshot(); // a request arriving while the service warms up
    await tick();
    expect(state.loads).toHaveLength(1);
    state.reads[0]?.();
    state.loads[0]?.();
    const snapshot = await warming;
    expect(await early).toBe(snapshot);

    vi.advanceTimersByTime(CHECK_MS - 1);
    expect(await settled(cache.snapshot())).toBe(true);
    expect(await cache.snapshot()).toBe(snapshot);
    expect(state.reads).toHaveLength(1);
    expect(state.loads).toHaveLength(1);
  });

  test('the next version check, not an earlier one, makes its caller wait for an ordinary load that replaces the provisional snapshot', async () => {
    const { state, cache } = startWorld();
    const warming = cache.warm();
    await tick();
    // The race a provisional snapshot allows: the catalog is read, then another instance adds a
    // collection and bumps the version, then the version read sees the bump.
    state.loads[0]?.();
    await tick();
    state.ids = ['a', 'b'];
    state.version = 'v2';
    state.reads[0]?.();
    const provisional = await warming;
    expect(await ids(provisional)).toEqual(['a']);

    vi.advanceTimersByTime(CHECK_MS - 1);
    expect(await cache.snapshot()).toBe(provisional);
    expect(state.loads).toHaveLength(1); // no check yet, no load

    vi.advanceTimersByTime(2);
    const atCheck = cache.snapshot();
    await tick();
    expect(state.reads).toHaveLength(2); // the next check
    expect(state.loads).toHaveLength(1); // the version first
    state.reads[1]?.();
    await tick();
    // The check agrees (v2), but cannot tell whether the catalog predates the bump: not answered from it.
    expect(state.loads).toHaveLength(2);
    expect(await settled(atCheck)).toBe(false);
    const meanwhile = cache.snapshot(); // a caller meanwhile shares that load
    await tick();
    expect(state.loads).toHaveLength(2);
    state.loads[1]?.();
    const replaced = await atCheck;
    expect(replaced.n).toBe(2);
    expect(await ids(replaced)).toEqual(['a', 'b']);
    expect(await meanwhile).toBe(replaced);

    // An ordinary snapshot: later checks that agree load nothing.
    vi.advanceTimersByTime(CHECK_MS + 1);
    const later = cache.snapshot();
    await tick();
    state.reads[2]?.();
    expect(await later).toBe(replaced);
    expect(state.loads).toHaveLength(2);
  });

  test('with checkMs 0 (every caller reads the version itself) warm reads the version first, as every load', async () => {
    vi.useFakeTimers({ toFake: ['performance'] });
    const state = { reads: [] as (() => void)[], loads: 0 };
    const cache = new SchemaSnapshotCache<View, Snap>(
      async () => collectionSnapshot(new Map(), { n: ++state.loads }),
      60_000,
      {
        read: () => {
          const answer = deferred<string | undefined>();
          state.reads.push(() => answer.resolve('v1'));
          return answer.promise;
        },
        checkMs: 0,
      },
    );
    const warming = cache.warm();
    await tick();
    expect(state.reads).toHaveLength(1);
    expect(state.loads).toBe(0); // the catalog waits for the version
    state.reads[0]?.();
    expect((await warming).n).toBe(1);
  });

  test('a new version at the next check drops the provisional snapshot: callers wait for the load', async () => {
    const { state, cache } = startWorld();
    const warming = cache.warm();
    await tick();
    state.reads[0]?.();
    state.loads[0]?.();
    expect((await warming).n).toBe(1);

    state.version = 'v2';
    vi.advanceTimersByTime(CHECK_MS + 1);
    const atCheck = cache.snapshot();
    await tick();
    state.reads[1]?.();
    await tick();
    expect(state.loads).toHaveLength(2);
    expect(await settled(atCheck)).toBe(false); // not answered from the old version's snapshot
    state.loads[1]?.();
    expect((await atCheck).n).toBe(2);
  });

  test('invalidate during the provisional load: the warm caller is answered, nothing is kept', async () => {
    const { state, cache } = startWorld();
    const warming = cache.warm();
    await tick();
    cache.invalidate(); // this instance changed the schema meanwhile
    state.reads[0]?.();
    state.loads[0]?.();
    expect((await warming).n).toBe(1);

    const next = cache.snapshot(); // the version read is recent: it goes straight to a load
    await tick();
    expect(state.loads).toHaveLength(2);
    state.loads[1]?.();
    const fresh = await next;
    expect(fresh.n).toBe(2);

    // That load was an ordinary one: the next check that agrees loads nothing.
    vi.advanceTimersByTime(CHECK_MS + 1);
    const later = cache.snapshot();
    await tick();
    state.reads.at(-1)?.();
    expect(await later).toBe(fresh);
    expect(state.loads).toHaveLength(2);
  });

  test('without a version source warm is an ordinary load', async () => {
    let loads = 0;
    const cache = new SchemaSnapshotCache<View, Snap>(
      async () => collectionSnapshot(new Map(), { n: ++loads }),
      60_000,
    );
    const warmed = await cache.warm();
    expect(await cache.snapshot()).toBe(warmed);
    expect(loads).toBe(1);
  });
});
