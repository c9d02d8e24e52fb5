/**
 * The load scenarios every target runs, as signed request bodies. One token
 * per scenario is enough (the server verifies every request anyway); insert
 * bodies carry no `_id`, so each request inserts a new item.
 */
import type { WixSigner } from '@adaptors/testkit';

export interface Scenario {
  readonly name: string;
  readonly path: string;
  readonly request: Record<string, unknown>;
}

export function standardScenarios(collectionId: string): Scenario[] {
  return [
    { name: 'signed, no database (capabilities/get)', path: '/v3/capabilities/get', request: {} },
    {
      name: 'query 50 items',
      path: '/v3/items/query',
      request: {
        collectionId,
        query: { filter: {}, paging: { limit: 50 } },
        consistentRead: false,
        returnTotalCount: false,
      },
    },
    {
      name: 'query 50, filter + sort',
      path: '/v3/items/query',
      request: {
        collectionId,
        query: {
          filter: { $and: [{ perennial: true }, { heightCm: { $gte: 20 } }] },
          sort: [{ fieldName: 'heightCm', order: 'DESC' }],
          paging: { limit: 50 },
        },
        consistentRead: false,
        returnTotalCount: false,
      },
    },
    {
      // Substring search is evaluated in memory on Firestore (no native operator): the residual path.
      name: 'query 50, residual filter ($contains)',
      path: '/v3/items/query',
      request: {
        collectionId,
        query: { filter: { commonName: { $contains: 'ant 1' } }, paging: { limit: 50 } },
        consistentRead: false,
        returnTotalCount: false,
      },
    },
    {
      name: 'count',
      path: '/v3/items/count',
      request: { collectionId, filter: { perennial: true }, consistentRead: false },
    },
    {
      name: 'insert one',
      path: '/v3/items/insert',
      request: {
        collectionId,
        items: [{ commonName: 'Bench plant', family: 'Lamiaceae', heightCm: 42, perennial: true }],
      },
    },
  ];
}

export async function signScenario(signer: WixSigner, scenario: Scenario, validSeconds: number): Promise<string> {
  return signer.sign(scenario.request, { expiresIn: validSeconds });
}
