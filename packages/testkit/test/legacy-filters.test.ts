/**
 * Legacy filter formats on the conformance zoo: every filter case that the
 * protocol-v1 operator tree can express parses to the same AST as its v2 (= v3
 * query language) form, and answers the spec's ids over legacy HTTP in both
 * formats. Cases v1 cannot express are counted and named, not dropped.
 */
import {
  type Collection,
  describeCollection,
  legacyFilterToWire,
  parseFilter,
  type StoredCollection,
} from '@adaptors/core';
import { FILTER_CASES, ZOO_FIELDS } from '@adaptors/testkit/conformance';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createZoo } from '../src/conformance/suite-queries.ts';
import { supportsFilter } from '../src/conformance/target.ts';
import {
  createMemoryStorage,
  type Harness,
  Inexpressible,
  memoryCapabilities,
  startHarness,
  toV1Filter,
} from '../src/index.ts';

const v1Form = (filter: unknown) => {
  try {
    return toV1Filter(filter);
  } catch (error) {
    if (error instanceof Inexpressible) return error;
    throw error;
  }
};

const expressible = FILTER_CASES.filter((c) => !(v1Form(c.filter) instanceof Error));
const inexpressible = FILTER_CASES.filter((c) => v1Form(c.filter) instanceof Error);

let h: Harness;
let zoo: string;
let stored: StoredCollection;

beforeAll(async () => {
  h = await startHarness({ storage: createMemoryStorage(), legacySecretKeys: ['legacy-filter-secret-key-01'] });
  const target = { client: h.client, capabilities: memoryCapabilities, close: async () => {} };
  zoo = await createZoo(target, 'legacyfilters');
  stored = (await h.client.listCollections([zoo])).body.collections[0] as Collection;
});
afterAll(() => h.close());

test('v1 covers most filter cases; the rest use only operators v1 lacks ($hasAll, $exists, $matches, $in on arrays…)', () => {
  expect(expressible.length).toBeGreaterThan(FILTER_CASES.length / 2);
  for (const c of inexpressible) expect(String(v1Form(c.filter))).toMatch(/not expressible/);
});

describe.each([['v1'], ['v2']] as const)('filter format %s over legacy HTTP', (format) => {
  const cases = format === 'v1' ? expressible : FILTER_CASES;
  test.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const client = h.legacy?.with({ filterFormat: format });
    if (!client) throw new Error('legacy mode is off');
    const result = await client.query(zoo, { filter: c.filter, sort: [{ fieldName: '_id' }], paging: { limit: 50 } });
    if (!supportsFilter(c.filter, ZOO_FIELDS, memoryCapabilities)) {
      expect(result.status).toBe(400);
      return;
    }
    expect(result.status, JSON.stringify(result.body)).toBe(200);
    expect(result.body.items.map((i: { _id: string }) => i._id)).toEqual(c.expected);
    expect((await client.count(zoo, c.filter)).body.totalCount).toBe(c.expected.length);
  });
});

describe('v1 parses to the same AST as v2', () => {
  test.each(expressible.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const ctx = {
      collection: describeCollection(stored, memoryCapabilities),
      strict: true,
      nestedQueryOperators: memoryCapabilities.nestedQueryOperators,
      supportsMatches: memoryCapabilities.supportsMatches,
    };
    const parse = (wire: unknown) => {
      try {
        return parseFilter(legacyFilterToWire(wire), ctx, 'filter');
      } catch (error) {
        return (error as Error).name;
      }
    };
    expect(parse(toV1Filter(c.filter))).toEqual(parse(c.filter));
  });
});
