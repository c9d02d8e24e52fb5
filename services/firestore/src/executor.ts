/**
 * The I/O half of a Firestore read: builds the Firestore query a plan
 * describes (planner.ts), streams documents, and finishes with the
 * core evaluator — whole filter, sort, keyset, offset/limit, projection — so
 * every answer equals the evaluator's (docs/design.md §1 "the evaluator is the law").
 *
 * Reads that need the evaluator are bounded: past `scanLimit` documents the
 * request is refused with an error naming what Firestore could not answer,
 * never answered with a partial page.
 */
import {
  errors,
  type Item,
  project,
  type QuerySpec,
  type SpiError,
  type StoredCollection,
  type Value,
} from '@adaptors/core';
import {
  type CollectionReference,
  FieldPath,
  Filter as FirestoreFilter,
  type Query,
  type QueryDocumentSnapshot,
  type WhereFilterOp,
} from '@google-cloud/firestore';
import { isIndexRequired } from './errors.ts';
import { filterFields } from './filter-text.ts';
import { completeFields, formattedFields, markerOf, pendingFields } from './format.ts';
import type { IndexAdvisor } from './index-advisor.ts';
import { indexesForPlan, shapeKey, withoutCompositeIndex } from './index-fallback.ts';
import { ambiguousBoundary, exactMatcher, runQueryExact } from './integers.ts';
import {
  type FilterPlan,
  type PlanOptions,
  type PushedField,
  type PushedFilter,
  type PushedOrder,
  type PushedScalar,
  planQuery,
  type QueryPlan,
} from './planner.ts';
import { itemOfDocument, type ProtoDocument, UndecodedValue } from './proto-documents.ts';
import type { DocumentReader } from './run-query.ts';
import {
  cursorAfter,
  cursorOrder,
  keysetCursor,
  type ReadShape,
  runQueryRequest,
  withStoredIntegers,
} from './structured-query.ts';
import { toItem, unsafeIntegerOfText } from './values.ts';

export interface ReadContext {
  readonly ref: CollectionReference;
  readonly collection: StoredCollection;
  readonly scanLimit: number;
  readonly advisor: IndexAdvisor;
  /** Document reads through the client's gapic runQuery (run-query.ts); without it, through the client's Query. */
  readonly reader?: DocumentReader | undefined;
}

/** What the planner may assume of this collection: declared types (strict) and the storage format's fields. */
export function planOptions(ctx: Pick<ReadContext, 'collection'>): PlanOptions {
  return { trustedTypes: ctx.collection.strict !== false, formatted: completeFields(ctx.collection) };
}

export function fieldPathOf(field: PushedField): FieldPath {
  return field.kind === 'id' ? FieldPath.documentId() : new FieldPath(...field.segments);
}

function toFirestoreFilter(filter: PushedFilter): FirestoreFilter {
  switch (filter.kind) {
    case 'where': {
      const [op, value] = withStoredIntegers(filter.op, filter.value);
      return FirestoreFilter.where(fieldPathOf(filter.field), op as WhereFilterOp, value);
    }
    case 'and':
      return FirestoreFilter.and(...filter.filters.map(toFirestoreFilter));
    case 'or':
      return FirestoreFilter.or(...filter.filters.map(toFirestoreFilter));
  }
}

/** The Firestore query of a filter plan (no order, no limit). */
export function pushedQuery(ref: CollectionReference, plan: FilterPlan): Query {
  const [only, ...more] = plan.pushed;
  if (!only) return ref;
  return ref.where(
    more.length === 0 ? toFirestoreFilter(only) : FirestoreFilter.and(...plan.pushed.map(toFirestoreFilter)),
  );
}

/** Top-level fields to fetch; undefined = whole documents. `_id` is the document id, never selected. */
function selection(needed: Iterable<string> | undefined): string[] | undefined {
  if (needed === undefined) return undefined;
  return [...new Set(needed)].filter((key) => key !== '_id');
}

/**
 * The field paths a projected read selects: the needed fields, and the field of
 * a pushed range, which a read ordered by it must hold (the cursor of a scan
 * page is built from the last document) — a storage-format shadow
 * (`$wix.lc.<field>`) is not among the item's fields. Undefined: whole documents.
 */
function selectedPaths(fields: string[] | undefined, plan: Pick<FilterPlan, 'pushed'>): string[][] | undefined {
  if (fields === undefined) return undefined;
  const paths = fields.map((key) => [key]);
  const seen = new Set(fields.map((key) => JSON.stringify([key])));
  const ranges = (filter: PushedFilter): PushedField[] =>
    filter.kind === 'where'
      ? ['<', '<=', '>', '>=', '!='].includes(filter.op)
        ? [filter.field]
        : []
      : filter.filters.flatMap(ranges);
  for (const field of plan.pushed.flatMap(ranges)) {
    if (field.kind !== 'path' || seen.has(JSON.stringify(field.segments))) continue;
    seen.add(JSON.stringify(field.segments));
    paths.push([...field.segments]);
  }
  return paths;
}

/** A projected query (selectedPaths). */
function withSelect(query: Query, fields: string[] | undefined, plan: Pick<FilterPlan, 'pushed'>): Query {
  const paths = selectedPaths(fields, plan);
  return paths === undefined ? query : query.select(...paths.map((segments) => new FieldPath(...segments)));
}

/**
 * Runs the pushed Firestore query. When production Firestore refuses it for a
 * missing composite index (the emulator never does), the request is answered
 * anyway by `fallback`: a bounded scan of a narrowed query that needs no
 * composite index (index-fallback.ts), evaluated exactly. The
 * advisor warns once per query shape and keeps the shape on the scan until a
 * recheck finds the index (README.md "Indexes").
 */
export async function pushedOrScan<T>(
  ctx: ReadContext,
  plan: FilterPlan,
  order: readonly PushedOrder[] | undefined,
  pushed: () => Promise<T>,
  fallback: (narrowed: FilterPlan, causes: readonly string[]) => Promise<T>,
): Promise<T> {
  const key = shapeKey(ctx.collection.id, plan, order);
  if (ctx.advisor.shouldPush(key)) {
    try {
      const result = await pushed();
      ctx.advisor.pushed(key);
      return result;
    } catch (error) {
      if (!isIndexRequired(error)) throw error;
      await ctx.advisor.missing(key, ctx.collection.id, indexesForPlan(plan, order), error);
    }
  }
  const causes = [ctx.advisor.fellBack(key)];
  try {
    return await fallback(withoutCompositeIndex(plan), causes);
  } catch (error) {
    // Even the single-field condition needs an index (the owner exempted the field from automatic indexing).
    if (!isIndexRequired(error)) throw error;
    return fallback({ ...plan, pushed: [] }, causes);
  }
}

export function scanBoundExceeded(
  ctx: Pick<ReadContext, 'collection' | 'scanLimit'>,
  causes: readonly string[],
  found?: number,
): SpiError {
  const what = causes.length > 0 ? causes.join('; ') : 'this request';
  // Fields the storage format does not cover yet: a backfill lets Firestore answer more of the request.
  const pending = ctx.collection.fields.length > 0 ? pendingFields(ctx.collection, markerOf(ctx.collection)) : [];
  const backfill =
    pending.length > 0
      ? ` Documents of '${ctx.collection.id}' predate the adaptor's storage format for ${pending.join(', ')}: run ` +
        `\`adaptors firestore backfill ${ctx.collection.id}\` so Firestore can answer sorts, null checks and ` +
        'case-insensitive text on them itself.'
      : '';
  return errors.scanBoundExceeded({
    collectionId: ctx.collection.id,
    bound: ctx.scanLimit,
    ...(found === undefined ? {} : { found }),
    engine: 'Firestore',
    unanswered: what,
    fix: 'Add a condition Firestore can answer (equality, $hasSome or a range on one field, $exists: true), or raise FIRESTORE_SCAN_LIMIT.',
    ...(backfill ? { extra: backfill.trim() } : {}),
    data: { evaluatedInMemory: [...causes], ...(pending.length > 0 ? { backfillFields: pending } : {}) },
  });
}

/**
 * Fail fast (README.md "Scan bound"): before a scan that must read every
 * candidate, one `count()` of the candidates; past the bound the request is
 * refused at once, well inside the deadline, instead of after reading
 * `scanLimit` documents. Then the candidates, in pages as large as the count
 * (up to FULL_SCAN_PAGE_SIZE): the emulator answers every query by going
 * through the whole collection, so a scan costs about its number of pages
 * there, and production bills per document whatever the page size.
 */
export async function* scanAll(
  ctx: ReadContext,
  read: PagedRead,
  causes: () => readonly string[],
): AsyncGenerator<Item> {
  const found = Number((await read.query.count().get()).data().count);
  if (found > ctx.scanLimit) throw scanBoundExceeded(ctx, causes(), found);
  // One more than counted: a document written since the count is read too (or ends the scan at the bound).
  yield* scan(ctx, read, causes, found + 1, FULL_SCAN_PAGE_SIZE);
}

/**
 * One paged read, both ways: the client's Query, and the same read for the
 * gapic reader (ReadShape, its keyset not yet a cursor). Built by pagedRead only.
 */
export interface PagedRead {
  readonly query: Query;
  readonly shape: Omit<ReadShape, 'startAfter' | 'offset' | 'limit'>;
  readonly keyset?: readonly Value[] | undefined;
}

/** The read of a plan's pushed filter, projected, in `order` from after `keyset` when given. */
function pagedRead(
  ctx: ReadContext,
  plan: Pick<FilterPlan, 'pushed'>,
  fields: string[] | undefined,
  order?: readonly PushedOrder[],
  keyset?: readonly Value[],
): PagedRead {
  let query = withSelect(pushedQuery(ctx.ref, plan as FilterPlan), fields, plan);
  for (const o of order ?? []) query = query.orderBy(fieldPathOf(o.field), o.direction);
  if (keyset) query = query.startAfter(...keyset);
  return { query, shape: { filters: plan.pushed, select: selectedPaths(fields, plan), order }, keyset };
}

/** Most documents fetched per round trip by a scan that may stop early. */
export const SCAN_PAGE_SIZE = 500;

/** Most documents fetched per round trip by a scan that reads every candidate (scanAll). */
export const FULL_SCAN_PAGE_SIZE = 5000;

/**
 * The size of the next page of a scan: `first` for the first one, then
 * doubling up to SCAN_PAGE_SIZE. A reader that stops once its page is full
 * (a residual filter under a pushed order) asks for about what it needs
 * instead of 500 documents: every document of a page is decoded and held
 * until the page is read, so with 50 such requests at once the page size was
 * the service's peak memory (packages/bench/RESULTS.md, "Left"). A reader
 * that needs every candidate asks for full pages from the start.
 */
export function scanPageSize(previous: number | undefined, first: number, most = SCAN_PAGE_SIZE): number {
  if (previous === undefined) return Math.max(1, Math.min(most, first));
  return Math.min(most, previous * 2);
}

/**
 * The documents of `query`, page by page, at most `scanLimit` of them: one
 * more means the bound is passed and the request is refused. Pages (not one
 * stream) so that a reader that stops early leaves no open call behind —
 * an abandoned Firestore stream keeps the client from terminating.
 * `firstPage`: how many documents the reader expects to need, `mostPage` the
 * largest page (scanPageSize).
 */
export async function* scan(
  ctx: ReadContext,
  paged: PagedRead,
  causes: () => readonly string[],
  firstPage = SCAN_PAGE_SIZE,
  mostPage = SCAN_PAGE_SIZE,
): AsyncGenerator<Item> {
  if (ctx.reader) {
    yield* readerScan(ctx, ctx.reader, paged, causes, firstPage, mostPage);
    return;
  }
  const query = paged.query;
  let read = 0;
  let last: QueryDocumentSnapshot | undefined;
  let planned: number | undefined;
  for (;;) {
    planned = scanPageSize(planned, firstPage, mostPage);
    const size = Math.min(planned, ctx.scanLimit + 1 - read);
    const page = await (last ? query.startAfter(last) : query).limit(size).get();
    for (const doc of page.docs) {
      if (++read > ctx.scanLimit) throw scanBoundExceeded(ctx, causes());
      yield toItem(doc.id, doc.data());
    }
    if (page.size < size) return;
    last = page.docs[page.docs.length - 1];
  }
}

/**
 * scan() through the gapic reader: the same pages, each starting after the
 * last document read, in the read's order or Firestore's implicit one
 * (structured-query.ts cursorOrder), which the request then spells out as the
 * client's does.
 */
async function* readerScan(
  ctx: ReadContext,
  reader: DocumentReader,
  paged: PagedRead,
  causes: () => readonly string[],
  firstPage: number,
  mostPage: number,
): AsyncGenerator<Item> {
  const target = { ...(await reader.database()), collectionId: ctx.ref.id };
  const order = cursorOrder(paged.shape.filters, paged.shape.order);
  let startAfter =
    paged.keyset && paged.shape.order
      ? keysetCursor(target, paged.shape.order, paged.keyset as PushedScalar[])
      : undefined;
  let read = 0;
  let planned: number | undefined;
  for (;;) {
    planned = scanPageSize(planned, firstPage, mostPage);
    const size = Math.min(planned, ctx.scanLimit + 1 - read);
    const shape = { ...paged.shape, ...(startAfter ? { order, startAfter } : {}), limit: size };
    const documents = await reader.runQuery(runQueryRequest(target, shape));
    for (const document of documents) {
      if (++read > ctx.scanLimit) throw scanBoundExceeded(ctx, causes());
      yield itemOfDocument(document);
    }
    if (documents.length < size) return;
    const last = documents[documents.length - 1] as ProtoDocument;
    startAfter = cursorAfter(last, order);
    // A document without an ordered field: the client refuses that cursor too; let it say so.
    if (!startAfter) throw new UndecodedValue(order.map((o) => fieldPathOf(o.field)).join(', '));
  }
}

/** The items of `source`; with `keep`, only those it keeps, so the rest are never held together. */
export async function collect(source: AsyncIterable<Item>, keep?: (item: Item) => boolean): Promise<Item[]> {
  const out: Item[] = [];
  for await (const item of source) if (!keep || keep(item)) out.push(item);
  return out;
}

/**
 * Fields to read. A collection in the storage format holds only its declared
 * fields and the `$wix` map, which is never answered: read the declared ones.
 */
function neededFields(ctx: ReadContext, spec: QuerySpec): string[] | undefined {
  const needs = [...filterFields(spec.filter), ...spec.sort.map((s) => s.field.field)];
  if (spec.projection !== undefined) return selection([...spec.projection, ...needs]);
  if (completeFields(ctx.collection).size === 0) return undefined;
  return selection([...formattedFields(ctx.collection.fields).map((f) => f.key), ...needs]);
}

/**
 * A keyset Firestore can start after: one scalar per pushed order key (ids are
 * strings); null too on a field of the storage format, where Firestore orders
 * the stored nulls first like Wix.
 */
function pushableKeyset(
  values: readonly Value[],
  order: readonly PushedOrder[],
  formatted: ReadonlySet<string>,
): Value[] | undefined {
  if (values.length !== order.length) return undefined;
  for (const [i, o] of order.entries()) {
    const v = values[i];
    if (o.field.kind === 'id') {
      if (typeof v !== 'string' || v.length === 0 || v.includes('/')) return undefined;
    } else if (
      !isScalar(v) &&
      !(v === null && o.field.segments.length === 1 && formatted.has(o.field.segments[0] as string))
    ) {
      return undefined;
    }
    // An integer answered as text (integers.ts) is no string position in Firestore's order.
    if (o.field.kind !== 'id' && typeof v === 'string' && unsafeIntegerOfText(v) !== undefined) return undefined;
  }
  return [...values];
}

function isScalar(v: Value | undefined): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || v instanceof Date;
}

export async function runItemsQuery(ctx: ReadContext, spec: QuerySpec): Promise<Item[]> {
  return withClientFallback(ctx, (c) => itemsQuery(c, spec));
}

/**
 * Runs `work` with the gapic reader, and once more through the client's Query
 * when a document holds a value only the client decodes (proto-documents.ts):
 * both paths then answer the same.
 */
async function withClientFallback<T>(ctx: ReadContext, work: (ctx: ReadContext) => Promise<T>): Promise<T> {
  try {
    return await work(ctx);
  } catch (error) {
    if (!(error instanceof UndecodedValue) || !ctx.reader) throw error;
    return work({ ...ctx, reader: undefined });
  }
}

async function itemsQuery(ctx: ReadContext, spec: QuerySpec): Promise<Item[]> {
  const options = planOptions(ctx);
  const plan = planQuery(spec, options);
  if (plan.empty || spec.limit <= 0) return [];
  const fields = neededFields(ctx, spec);
  const notes = [...plan.residualNotes, ...(plan.sortNote ? [plan.sortNote] : [])];
  return pushedOrScan(
    ctx,
    plan,
    plan.order,
    () => pushedItems(ctx, spec, plan, fields, notes),
    // Everything in memory: filter, sort and paging by the evaluator.
    async (narrowed, causes) => {
      const why = () => [...notes, ...causes];
      return runQueryExact(await collect(scanAll(ctx, pagedRead(ctx, narrowed, fields), why)), spec);
    },
  );
}

async function pushedItems(
  ctx: ReadContext,
  spec: QuerySpec,
  plan: QueryPlan,
  fields: string[] | undefined,
  notes: readonly string[],
): Promise<Item[]> {
  // A cursor boundary that may be an integer answered as text is read against all candidates (integers.ts).
  if (!plan.order || ambiguousBoundary(spec.after, spec.sort)) {
    // Sort in memory: every candidate is needed before the first item is known.
    return runQueryExact(await collect(scanAll(ctx, pagedRead(ctx, plan, fields), () => notes)), spec);
  }

  const order = plan.order;
  const keyset = spec.after
    ? pushableKeyset(spec.after.values, order, planOptions(ctx).formatted ?? new Set())
    : undefined;
  const paged = pagedRead(ctx, plan, fields, order, keyset);
  const exact = plan.residual.kind === 'true' && (spec.after === undefined || keyset !== undefined);

  if (exact) {
    // Everything pushed: Firestore pages itself.
    if (ctx.reader) {
      const read = await readDocuments(ctx, ctx.reader, paged, spec.offset, spec.limit);
      return read.map((item) => project(item, spec.projection));
    }
    const snapshot = await paged.query.offset(spec.offset).limit(spec.limit).get();
    return snapshot.docs.map((doc) => project(toItem(doc.id, doc.data()), spec.projection));
  }

  // Pushed order, residual filter: stream in order and stop once the page is full.
  const page: Item[] = [];
  let skipped = 0;
  // Integers beyond ±2^53 compare as integers, as Firestore ordered them (integers.ts).
  const exactly = exactMatcher(spec.filter, spec.sort, spec.after);
  // Pages sized from what the page needs: the residual filter may keep most of what is read.
  for await (const item of scan(ctx, paged, () => notes, spec.offset + spec.limit)) {
    if (!exactly.matches(item)) continue;
    if (!exactly.isAfter(item)) continue;
    if (skipped < spec.offset) {
      skipped++;
      continue;
    }
    page.push(project(item, spec.projection));
    if (page.length >= spec.limit) break;
  }
  return page;
}

/**
 * The items of one pushed read through the gapic reader: the request compiled
 * from the plan (structured-query.ts), the documents decoded as the client's
 * snapshots would be (proto-documents.ts; UndecodedValue for a value only the
 * client decodes: withClientFallback reads it through the client instead).
 */
async function readDocuments(
  ctx: ReadContext,
  reader: DocumentReader,
  paged: PagedRead,
  offset: number,
  limit: number,
): Promise<Item[]> {
  const target = { ...(await reader.database()), collectionId: ctx.ref.id };
  const { keyset, shape } = paged;
  const startAfter = keyset && shape.order ? keysetCursor(target, shape.order, keyset as PushedScalar[]) : undefined;
  const documents = await reader.runQuery(runQueryRequest(target, { ...shape, startAfter, offset, limit }));
  return documents.map(itemOfDocument);
}

/**
 * Candidates for count/aggregate/distinct: pushed filter, needed fields only, bounded (checked first by a
 * count). `keep`: the caller's exact filter, applied while the documents stream in, so a request holds
 * its matches rather than every candidate (up to FIRESTORE_SCAN_LIMIT of them).
 */
export async function candidates(
  ctx: ReadContext,
  plan: FilterPlan,
  fields: Iterable<string>,
  extraCauses: readonly string[],
  keep?: (item: Item) => boolean,
): Promise<Item[]> {
  const causes = () => [...plan.residualNotes, ...extraCauses];
  return withClientFallback(ctx, (c) => collect(scanAll(c, pagedRead(c, plan, selection(fields)), causes), keep));
}
