/**
 * A test double of production Firestore's index requirement around the REAL
 * emulator client: the emulator answers any query, production refuses one
 * that needs a composite index it does not have. The double looks at the
 * exact request the client sends (the StructuredQuery of `runQuery` /
 * `runAggregationQuery`), applies the documented rule
 * (src/index-rule.ts), and when no declared READY index serves the
 * query fails it the way production does — gRPC FAILED_PRECONDITION (9),
 * "The query requires an index. You can create it here: <console link>" —
 * before any document is sent. Otherwise the real client runs the query on the
 * emulator unchanged.
 *
 * The declared indexes are an Admin API too (`admin`: list/create/delete with
 * the Admin API's shapes; created indexes stay CREATING until `markReady`),
 * so index creation by the adaptor is exercised end to end.
 *
 * The hook is the client's one RPC entry point for streamed reads,
 * `Firestore#requestStream(method, bidi, request, tag)` (every query, count and
 * aggregation goes through it; @google-cloud/firestore 9.x), replaced on this
 * instance only.
 */
import type { Firestore } from '@google-cloud/firestore';
import {
  type IndexFieldSpec,
  indexKey,
  indexServes,
  type QueryShape,
  type RequiredIndex,
  requiredIndexes,
} from '../src/index-rule.ts';
import type { AdminIndex, IndexAdminApi } from '../src/indexes.ts';

type Proto = Record<string, unknown>;
type HeldIndex = { -readonly [K in keyof AdminIndex]: AdminIndex[K] };

interface FieldCondition {
  readonly path: string;
  readonly kind: 'equality' | 'contains' | 'inequality';
}

const EQUALITY = new Set(['EQUAL', 'IN']);
const CONTAINS = new Set(['ARRAY_CONTAINS', 'ARRAY_CONTAINS_ANY']);
const INEQUALITY = new Set([
  'LESS_THAN',
  'LESS_THAN_OR_EQUAL',
  'GREATER_THAN',
  'GREATER_THAN_OR_EQUAL',
  'NOT_EQUAL',
  'NOT_IN',
]);

function fieldPathOf(ref: unknown): string {
  return String((ref as { fieldPath?: unknown } | undefined)?.fieldPath ?? '');
}

/** google.firestore.v1.StructuredQuery.Filter → disjunctive normal form. */
function dnf(filter: Proto | undefined): FieldCondition[][] {
  if (!filter) return [[]];
  if (filter.fieldFilter) {
    const f = filter.fieldFilter as Proto;
    const op = String(f.op);
    const kind = EQUALITY.has(op)
      ? 'equality'
      : CONTAINS.has(op)
        ? 'contains'
        : INEQUALITY.has(op)
          ? 'inequality'
          : undefined;
    if (!kind) throw new Error(`production-index-rule: unknown operator ${op}`);
    return [[{ path: fieldPathOf(f.field), kind }]];
  }
  if (filter.unaryFilter) {
    const f = filter.unaryFilter as Proto;
    // IS_NULL / IS_NAN are equalities, IS_NOT_NULL / IS_NOT_NAN inequalities.
    const kind = String(f.op).startsWith('IS_NOT_') ? 'inequality' : 'equality';
    return [[{ path: fieldPathOf(f.field), kind }]];
  }
  const composite = filter.compositeFilter as Proto;
  const parts = (composite.filters as Proto[]).map(dnf);
  if (composite.op === 'OR') return parts.flat();
  return parts.reduce<FieldCondition[][]>((acc, part) => acc.flatMap((l) => part.map((r) => [...l, ...r])), [[]]);
}

/** The composite indexes production would need for a StructuredQuery. */
export function indexesOfQuery(query: Proto): RequiredIndex[] {
  const orderBy = ((query.orderBy as Proto[] | undefined) ?? []).map((o) => ({
    fieldPath: fieldPathOf(o.field),
    direction: o.direction === 'DESCENDING' ? ('DESCENDING' as const) : ('ASCENDING' as const),
  }));
  const shapes: QueryShape[] = dnf(query.where as Proto | undefined).map((conditions) => ({
    equalities: conditions
      .filter((c) => c.kind !== 'inequality')
      .map((c) => ({ fieldPath: c.path, contains: c.kind === 'contains' })),
    inequalities: conditions.filter((c) => c.kind === 'inequality').map((c) => c.path),
    orderBy,
  }));
  return requiredIndexes(shapes);
}

/** Every field a StructuredQuery filters or orders on. */
function fieldsOf(query: Proto): string[] {
  const orders = ((query.orderBy as Proto[] | undefined) ?? []).map((o) => fieldPathOf(o.field));
  return [
    ...dnf(query.where as Proto | undefined)
      .flat()
      .map((c) => c.path),
    ...orders,
  ];
}

function specOf(index: AdminIndex): IndexFieldSpec[] {
  return (index.fields ?? []).map((f) => ({
    fieldPath: f.fieldPath ?? '',
    mode: f.arrayConfig === 'CONTAINS' ? 'CONTAINS' : f.order === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING',
  }));
}

export interface ProductionIndexRule {
  /** Composite indexes as the Admin API holds them (READY ones serve queries). */
  readonly indexes: HeldIndex[];
  readonly admin: IndexAdminApi & { readonly created: AdminIndex[] };
  /** Index keys (index-rule.ts indexKey) of every refused query, in order. */
  readonly refused: string[];
  /** Queries that reached the emulator. */
  readonly passed: { count: number };
  /** Declares an index as built (READY), e.g. one created through `admin`. */
  markReady(): void;
  /** Declares a READY index directly (console / gcloud). */
  declare(collectionId: string, fields: readonly IndexFieldSpec[]): void;
  /**
   * Single-field index exemptions (Firestore docs "Manage indexes": the owner
   * turned automatic indexing off for a field): a query that only automatic
   * indexes would serve and that filters or orders on such a field is refused.
   */
  readonly exempt: Set<string>;
}

export function productionIndexRule(db: Firestore, project = 'demo-project'): ProductionIndexRule {
  const database = `projects/${project}/databases/(default)`;
  const indexes: HeldIndex[] = [];
  const created: AdminIndex[] = [];
  const refused: string[] = [];
  const passed = { count: 0 };
  const exempt = new Set<string>();
  let next = 1;

  const collectionOf = (query: Proto) => String(((query.from as Proto[] | undefined)?.[0] as Proto)?.collectionId);
  const served = (collectionId: string, required: RequiredIndex, state: string) =>
    indexes.some(
      (i) =>
        i.name?.startsWith(`${database}/collectionGroups/${collectionId}/indexes/`) &&
        i.state === state &&
        indexServes(specOf(i), required),
    );

  const client = db as unknown as { requestStream: (...args: unknown[]) => Promise<unknown> };
  const original = client.requestStream.bind(db);
  client.requestStream = async (method: unknown, bidi: unknown, request: unknown, tag: unknown) => {
    const r = request as Proto;
    const query =
      method === 'runQuery'
        ? (r.structuredQuery as Proto)
        : method === 'runAggregationQuery'
          ? ((r.structuredAggregationQuery as Proto).structuredQuery as Proto)
          : undefined;
    if (query) {
      const collectionId = collectionOf(query);
      const needed = indexesOfQuery(query);
      if (needed.length === 0 && exempt.size > 0 && fieldsOf(query).some((f) => exempt.has(f))) {
        // The automatic index this query would use was turned off: what production needs is a single-field index.
        const [field] = fieldsOf(query).filter((f) => exempt.has(f));
        needed.push({ fields: [{ fieldPath: field ?? '', mode: 'ASCENDING' }], equalities: 0 });
      }
      for (const required of needed) {
        if (required.fields.length > 1 && served(collectionId, required, 'READY')) continue;
        refused.push(indexKey(required.fields));
        const building = served(collectionId, required, 'CREATING');
        const link =
          `https://console.firebase.google.com/v1/r/project/${project}/firestore/indexes?create_composite=` +
          Buffer.from(JSON.stringify({ collectionId, fields: required.fields })).toString('base64url');
        const error = new Error(
          building
            ? `9 FAILED_PRECONDITION: The query requires an index. That index is currently building and cannot be used yet. See its status here: ${link}`
            : `9 FAILED_PRECONDITION: The query requires an index. You can create it here: ${link}`,
        ) as Error & { code: number; details: string };
        error.code = 9;
        error.details = error.message.replace(/^9 FAILED_PRECONDITION: /, '');
        throw error;
      }
      passed.count++;
    }
    return original(method, bidi, request, tag);
  };

  const add = (collectionId: string, fields: AdminIndex['fields'], state: string): HeldIndex => {
    const index: HeldIndex = {
      name: `${database}/collectionGroups/${collectionId}/indexes/IDX${next++}`,
      queryScope: 'COLLECTION',
      fields,
      state,
    };
    indexes.push(index);
    return index;
  };

  return {
    indexes,
    refused,
    passed,
    exempt,
    admin: {
      created,
      async listIndexes(parent) {
        return indexes.filter((i) => i.name?.startsWith(`${parent}/indexes/`));
      },
      async createIndex(parent, index) {
        const collectionId = parent.split('/').pop() ?? '';
        const fields = specOf(index);
        if (indexes.some((i) => i.name?.startsWith(`${parent}/`) && indexKey(specOf(i)) === indexKey(fields))) {
          throw Object.assign(new Error('6 ALREADY_EXISTS: index already exists'), { code: 6 });
        }
        created.push(index);
        add(collectionId, index.fields, 'CREATING');
      },
      async deleteIndex(name) {
        const at = indexes.findIndex((i) => i.name === name);
        if (at >= 0) indexes.splice(at, 1);
      },
    },
    markReady() {
      for (const index of indexes) index.state = 'READY';
    },
    declare(collectionId, fields) {
      add(
        collectionId,
        fields.map((f) =>
          f.mode === 'CONTAINS'
            ? { fieldPath: f.fieldPath, arrayConfig: 'CONTAINS' }
            : { fieldPath: f.fieldPath, order: f.mode },
        ),
        'READY',
      );
    },
  };
}
