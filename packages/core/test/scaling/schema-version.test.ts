// The version gate and the miss throttle under the schema caches (packages/core/SCALING.md).
import { describe, expect, test } from 'vitest';
import { RereadThrottle, SchemaVersionGate } from '../../src/schema-version.ts';

function counter(values: string[]) {
  let reads = 0;
  return {
    read: async () => values[Math.min(reads++, values.length - 1)],
    get reads() {
      return reads;
    },
  };
}

describe('SchemaVersionGate', () => {
  test('within checkMs, every caller shares one read', async () => {
    const source = counter(['v1', 'v2']);
    const gate = new SchemaVersionGate(() => source.read(), 60_000);
    const answers = await Promise.all([gate.current(), gate.current(), gate.current()]);
    expect(answers).toEqual(['v1', 'v1', 'v1']);
    expect(await gate.current()).toBe('v1');
    expect(source.reads).toBe(1);
  });

  test('checkMs 0: a caller never gets a read that started before it; callers during one read share the next', async () => {
    const source = counter(['v1', 'v2', 'v3']);
    const gate = new SchemaVersionGate(() => source.read(), 0);
    const first = gate.current();
    const [second, third] = [gate.current(), gate.current()];
    expect(await first).toBe('v1');
    expect(await second).toBe('v2');
    expect(await third).toBe('v2');
    expect(await gate.current()).toBe('v3');
    expect(source.reads).toBe(3);
  });

  test('remember: the version this instance wrote is trusted without a read', async () => {
    const source = counter(['v1']);
    const gate = new SchemaVersionGate(() => source.read(), 60_000);
    gate.remember('mine');
    expect(await gate.current()).toBe('mine');
    expect(source.reads).toBe(0);
  });
});

describe('SchemaVersionGate: versions read by the caller', () => {
  test('recent() is the version confirmed within checkMs, never a read of its own', async () => {
    const source = counter(['v1']);
    const gate = new SchemaVersionGate(() => source.read(), 60_000);
    expect(gate.recent()).toBeUndefined();
    await gate.check();
    expect(gate.recent()).toEqual({ version: 'v1' });
    expect(source.reads).toBe(1);
    // checkMs 0: every caller needs a read that starts after it, so nothing is recent.
    const strict = new SchemaVersionGate(() => source.read(), 0);
    await strict.check();
    expect(strict.recent()).toBeUndefined();
  });

  test('observe: a version read with the catalog serves later callers; an older read never replaces a newer one', async () => {
    const source = counter(['from-gate']);
    const gate = new SchemaVersionGate(() => source.read(), 60_000);
    const early = performance.now();
    gate.observe(performance.now(), 'v2');
    expect(await gate.current()).toBe('v2');
    gate.observe(early, 'v1');
    expect(gate.recent()).toEqual({ version: 'v2' });
    expect(source.reads).toBe(0);
  });
});

describe('RereadThrottle', () => {
  test('the first turn is at once; turns asked during the gap share the next one', async () => {
    const throttle = new RereadThrottle(50);
    await throttle.turn();
    const a = throttle.turn();
    const b = throttle.turn();
    expect(a).toBe(b);
    await a;
    const c = throttle.turn();
    expect(c).not.toBe(a);
    await c;
  });
});
