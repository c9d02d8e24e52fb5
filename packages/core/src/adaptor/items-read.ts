/**
 * Read endpoints (docs/protocol.md §4.1–§4.4): query, count, aggregate,
 * query-distinct-values. Parse once into the AST, let the storage run it, encode
 * the answer. Totals are computed only when asked for (§3.4).
 */
import type { AccessPolicy } from '../auth/policy.ts';
import { errors, SpiError } from '../errors.ts';
import type { AggregateSpec, Item, Keyset, Value } from '../query/ast.ts';
import { encodeCursor } from '../query/cursor.ts';
import { keysetOf, project } from '../query/evaluate.ts';
import { parseAggregation } from '../query/parse-aggregation.ts';
import { parseFilter } from '../query/parse-filter.ts';
import { parseProjection } from '../query/parse-projection.ts';
import { parseSort } from '../query/parse-sort.ts';
import { releaseRows } from '../release.ts';
import type { Storage } from '../storage.ts';
import { encodeItem, encodeValue } from '../wire/codec.ts';
import { isDescending } from '../wire/schemas/common.ts';
import type { RequestOf } from '../wire/validate.ts';
import { resolveCollection } from './collections.ts';
import type { CallContext } from './context.ts';
import { distinctFieldName } from './fields.ts';
import { type PageInput, resolvePage } from './page-input.ts';
import {
  completePage,
  cursorOffset,
  cursorPart,
  cursorString,
  fetchLimit,
  fromCursor,
  invalidCursor,
  openCursor,
  valuesFromCursor,
  valuesToCursor,
} from './paging.ts';
import { includeReferencedItems, resolveIncludes } from './references.ts';

export interface ReadDeps {
  readonly storage: Storage;
  readonly cursorSecret: string;
  /** ACCESS_POLICY, for the collections an include reads (references.ts resolveIncludes). */
  readonly policy?: AccessPolicy;
}

/** A query cursor's state: the first request's filter, sort and fields, and the keyset after the page. */
const QUERY_CURSOR = ['f', 's', 'p', 'k'] as const;

export async function queryItems(deps: ReadDeps, req: RequestOf['items/query'], ctx: CallContext) {
  const { storage, cursorSecret } = deps;
  ctx.info.collectionId = req.collectionId;
  const { stored, parse } = await resolveCollection(storage, req.collectionId, 'QUERY');
  const page = resolvePage(req.query as PageInput);
  // A keyset cannot tell two equal rows apart: without a key (StoredCollection.rowKey) a cursor
  // page could skip one of them. Offset pages order by every sortable field and stay exact.
  if (page.mode === 'cursor' && parse.rowKey?.length === 0) {
    throw errors.badRequest(
      `Cursor paging is not available on '${req.collectionId}': its rows have no _id or other unique key to resume after. Use offset paging (query.paging), or give the table a primary key.`,
    );
  }
  let raw: { f: unknown; s: unknown; p: unknown } = { f: req.query.filter, s: req.query.sort, p: req.query.fields };
  let keyset: unknown;
  if (page.mode === 'cursor' && page.cursor) {
    const state = openCursor(page.cursor, cursorSecret, { op: 'query', collectionId: req.collectionId }, QUERY_CURSOR);
    raw = { f: cursorPart(state.f, 'object'), s: cursorPart(state.s, 'array'), p: cursorPart(state.p, 'array') };
    keyset = state.k;
  }
  const [filter, sort, projection] = fromCursor(page, () => [
    parseFilter(raw.f ?? {}, parse, 'query.filter'),
    parseSort(raw.s ?? [], parse, 'query.sort'),
    parseProjection(raw.p, parse, 'query.fields'),
  ]);
  // One keyset value per sort key (the parsed sort ends with the tie-breaker: query/ast.ts Keyset).
  const after: Keyset | undefined =
    keyset === undefined ? undefined : { values: valuesFromCursor(keyset, sort.length) };
  // Included collections are judged before anything is read (references.ts resolveIncludes).
  const includes = req.includeReferencedItems ?? [];
  const included = resolveIncludes(stored, includes, deps.policy, ctx);
  const cursorMode = page.mode === 'cursor';
  // The next cursor needs the sort keys of the last item even when the
  // projection leaves them out: fetch them, project again afterwards.
  const fetchProjection =
    projection && cursorMode ? [...new Set([...projection, ...sort.map((s) => s.field.field)])] : projection;
  const wantTotal = page.mode === 'offset' && req.returnTotalCount === true;
  const [fetched, total] = await Promise.all([
    storage.query(stored, {
      filter,
      sort,
      projection: fetchProjection,
      offset: page.mode === 'offset' ? page.offset : 0,
      limit: fetchLimit(page),
      after,
    }),
    wantTotal ? storage.count(stored, filter) : undefined,
  ]);
  const { rows, pagingMetadata } = completePage(fetched, page, total, (last) =>
    encodeCursor(
      {
        op: 'query',
        collectionId: req.collectionId,
        state: {
          f: raw.f ?? null,
          s: raw.s ?? null,
          p: raw.p ?? null,
          k: valuesToCursor(keysetOf(last, sort).values),
        } as never,
      },
      cursorSecret,
    ),
  );
  let items: readonly Item[] = fetchProjection !== projection ? rows.map((item) => project(item, projection)) : rows;
  if (includes.length > 0) items = await includeReferencedItems(storage, stored, items, includes, included);
  ctx.info.itemCount = items.length;
  const answer = { items: items.map((item) => encodeItem(stored, item, projection)), pagingMetadata };
  // Encoded: the promises that carried the storage's answer up keep it, not its items (release.ts).
  for (const list of [fetched, rows, items]) releaseRows(list);
  return answer;
}

export async function countItems(deps: ReadDeps, req: RequestOf['items/count'], ctx: CallContext) {
  ctx.info.collectionId = req.collectionId;
  const { stored, parse } = await resolveCollection(deps.storage, req.collectionId, 'COUNT');
  const filter = parseFilter(req.filter ?? {}, parse, 'filter');
  return { totalCount: await deps.storage.count(stored, filter) };
}

export async function aggregateItems(deps: ReadDeps, req: RequestOf['items/aggregate'], ctx: CallContext) {
  const { storage, cursorSecret } = deps;
  ctx.info.collectionId = req.collectionId;
  const { stored, parse } = await resolveCollection(storage, req.collectionId, 'AGGREGATE');
  const page = resolvePage(req as PageInput);
  let raw: Record<string, unknown> = {
    initialFilter: req.initialFilter,
    aggregation: req.aggregation,
    finalFilter: req.finalFilter,
    sort: req.sort,
  };
  let offset = page.mode === 'offset' ? page.offset : 0;
  if (page.mode === 'cursor' && page.cursor) {
    const state = openCursor(page.cursor, cursorSecret, { op: 'aggregate', collectionId: req.collectionId }, [
      'r',
      'o',
    ]);
    const first = cursorPart(state.r, 'object');
    if (first === null) throw invalidCursor();
    raw = first as Record<string, unknown>;
    offset = cursorOffset(state.o);
  }
  const spec = fromCursor(page, () => parseAggregation(raw, parse, ''));
  const result = await storage
    .aggregate(
      stored,
      { ...spec, offset, limit: fetchLimit(page) },
      { countTotal: page.mode === 'offset' && req.returnTotalCount === true },
    )
    .catch((error: unknown) => {
      throw namedOutOfRange(error, spec);
    });
  const { rows, pagingMetadata } = completePage(result.rows, page, result.total, (_last, kept) =>
    encodeCursor(
      { op: 'aggregate', collectionId: req.collectionId, state: { r: raw, o: offset + kept } as never },
      cursorSecret,
    ),
  );
  // Only the rows answered: cursor paging fetched one more, to learn whether a next page exists.
  refuseOutOfRange(rows, spec);
  ctx.info.itemCount = rows.length;
  return { items: rows.map(encodeRow), pagingMetadata };
}

/**
 * Sums past the double range get one answer on every engine (docs/semantics.md §6.1): a row the call
 * answers whose sum (or average) is ±Infinity is a 400 naming the field; a group whose sum is past
 * the range but that finalFilter removes or paging leaves out does not matter. The evaluator and the
 * compiled SQL (packages/googlesql/src/aggregate.ts) yield ±Infinity for such a sum, and compare it
 * as that number in finalFilter and sort. An engine that raises its own overflow error instead
 * (Spanner on SQL other than the adaptor's) answers numberOutOfRange without fields, named here.
 */
function summedFields(spec: Pick<AggregateSpec, 'operations'>): string[] {
  const sums = spec.operations.filter((op) => op.op === 'sum' && op.field);
  const summed = sums.length > 0 ? sums : spec.operations.filter((op) => op.op === 'avg' && op.field);
  return [...new Set(summed.map((op) => op.field?.key ?? ''))];
}

function namedOutOfRange(error: unknown, spec: Pick<AggregateSpec, 'operations'>): unknown {
  if (!(error instanceof SpiError) || error.data?.outOfRange === undefined) return error;
  const fields = error.data.fields;
  if (Array.isArray(fields) && fields.length > 0) return error;
  return errors.numberOutOfRange(error.data.outOfRange === 'average' ? 'average' : 'sum', summedFields(spec));
}

function refuseOutOfRange(rows: readonly Item[], spec: Pick<AggregateSpec, 'operations' | 'groupBy'>): void {
  const grouped = new Set(spec.groupBy.map((f) => f.key));
  // The row holds the last operation of a name; a grouping key of that name wins (core aggregate.ts).
  const byName = new Map(spec.operations.filter((op) => !grouped.has(op.name)).map((op) => [op.name, op]));
  for (const op of byName.values()) {
    if ((op.op !== 'sum' && op.op !== 'avg') || !op.field) continue;
    for (const row of rows) {
      const value = row[op.name];
      if (value === Number.POSITIVE_INFINITY || value === Number.NEGATIVE_INFINITY) {
        throw errors.numberOutOfRange(op.op === 'sum' ? 'sum' : 'average', [op.field.key]);
      }
    }
  }
}

export async function distinctValues(deps: ReadDeps, req: RequestOf['items/query-distinct-values'], ctx: CallContext) {
  const { storage, cursorSecret } = deps;
  ctx.info.collectionId = req.collectionId;
  const { stored, parse } = await resolveCollection(storage, req.collectionId, 'DISTINCT');
  const page = resolvePage(req as PageInput);
  let raw: { f: unknown; n: string | undefined; d: string } = {
    f: req.filter,
    n: req.fieldName,
    d: req.order ?? 'ASC',
  };
  let after: { value: Value } | undefined;
  if (page.mode === 'cursor' && page.cursor) {
    const state = openCursor(page.cursor, cursorSecret, { op: 'distinct', collectionId: req.collectionId }, [
      'f',
      'n',
      'd',
      'a',
    ]);
    if (!SORT_ORDERS.has(state.d as string)) throw invalidCursor();
    raw = { f: cursorPart(state.f, 'object'), n: cursorString(state.n), d: state.d as string };
    after = { value: valuesFromCursor(state.a, 1)[0] ?? null };
  }
  if (raw.n === undefined) throw errors.violation('fieldName', undefined, 'is required (a string)');
  const fieldName = raw.n;
  const [filter, field] = fromCursor(page, () => [
    parseFilter(raw.f ?? {}, parse, 'filter'),
    distinctFieldName(fieldName, parse, 'fieldName'),
  ]);
  const result = await storage.distinct(
    stored,
    {
      filter,
      field,
      order: isDescending(raw.d) ? 'desc' : 'asc',
      offset: page.mode === 'offset' ? page.offset : 0,
      limit: fetchLimit(page),
      after,
    },
    { countTotal: page.mode === 'offset' && req.returnTotalCount === true },
  );
  const { rows: values, pagingMetadata } = completePage(result.values, page, result.total, (last) =>
    encodeCursor(
      {
        op: 'distinct',
        collectionId: req.collectionId,
        state: { f: raw.f ?? null, n: fieldName, d: raw.d, a: valuesToCursor([last]) } as never,
      },
      cursorSecret,
    ),
  );
  ctx.info.itemCount = values.length;
  return { distinctValues: values.map((value) => encodeValue(value)), pagingMetadata };
}

function encodeRow(row: Item): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) out[key] = encodeValue(value);
  return out;
}

/** The orders a distinct-values request may name (wire/schemas/common.ts SortOrder), kept in its cursor. */
const SORT_ORDERS: ReadonlySet<string> = new Set(['ASC', 'DESC', 'asc', 'desc']);
