/**
 * A pushed read, page by page (executor.ts decides which read; this file
 * reads it): the client's Query and the same read for the gapic reader
 * (run-query.ts) side by side, the scan bound, page sizes and cursors.
 * With a reader, documents come through the client's gapic runQuery and are
 * decoded by proto-documents.ts; without one, through the client's Query.
 */
import { errors, type Item, releaseRows, type SpiError, type StoredCollection, type Value } from '@adaptors/core';
import { type CollectionReference, FieldPath, type Query, type QueryDocumentSnapshot } from '@google-cloud/firestore';
import { fieldPathOf, pushedQuery } from './client-query.ts';
import { beforeReadStep, readTooSlow } from './deadline.ts';
import { markerOf, pendingFields } from './format.ts';
import type { IndexAdvisor } from './index-advisor.ts';
import type { FilterPlan, PushedOrder, PushedScalar } from './planner.ts';
import { itemOfDocument, type ProtoDocument, UndecodedValue } from './proto-documents.ts';
import type { DocumentReader } from './run-query.ts';
import {
  cursorAfter,
  cursorOrder,
  inequalityPaths,
  keysetCursor,
  type ProtoValue,
  protoFieldPath,
  type QueryTarget,
  type ReadShape,
  runQueryRequest,
} from './structured-query.ts';
import { toItem } from './values.ts';

export interface ReadContext {
  readonly ref: CollectionReference;
  readonly collection: StoredCollection;
  readonly scanLimit: number;
  readonly advisor: IndexAdvisor;
  /** Document reads through the client's gapic runQuery (run-query.ts); without it, through the client's Query. */
  readonly reader?: DocumentReader | undefined;
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
  for (const segments of inequalityPaths(plan.pushed)) {
    if (!seen.has(JSON.stringify(segments))) paths.push([...segments]);
  }
  return paths;
}

/** A projected query (selectedPaths). */
function withSelect(query: Query, fields: string[] | undefined, plan: Pick<FilterPlan, 'pushed'>): Query {
  const paths = selectedPaths(fields, plan);
  return paths === undefined ? query : query.select(...paths.map((segments) => new FieldPath(...segments)));
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
export function pagedRead(
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
 * The documents of a read, page by page, at most `scanLimit` of them: one
 * more means the bound is passed and the request is refused. Pages (not one
 * stream) so that a reader that stops early leaves no open call behind —
 * an abandoned Firestore stream keeps the client from terminating.
 * `firstPage`: how many documents the reader expects to need, `mostPage` the
 * largest page (scanPageSize). Each page starts after the last document read:
 * through the gapic reader when the context has one, else the client's Query.
 */
export async function* scan(
  ctx: ReadContext,
  paged: PagedRead,
  causes: () => readonly string[],
  firstPage = SCAN_PAGE_SIZE,
  mostPage = SCAN_PAGE_SIZE,
): AsyncGenerator<Item> {
  const sizes = { firstPage, mostPage };
  if (ctx.reader) yield* scanPages(ctx, await readerPages(ctx, ctx.reader, paged), causes, sizes);
  else yield* scanPages(ctx, clientPages(paged), causes, sizes);
}

/** One way of reading the pages of a read: the next page of `size` documents, and a document's item. */
interface Pages<D> {
  next(size: number): Promise<readonly D[]>;
  item(document: D): Item;
}

async function* scanPages<D>(
  ctx: ReadContext,
  pages: Pages<D>,
  causes: () => readonly string[],
  sizes: { readonly firstPage: number; readonly mostPage: number },
): AsyncGenerator<Item> {
  let read = 0;
  let planned: number | undefined;
  let pageMs = 0;
  for (;;) {
    planned = scanPageSize(planned, sizes.firstPage, sizes.mostPage);
    const size = Math.min(planned, ctx.scanLimit + 1 - read);
    beforeReadStep(pageMs, (budgetMs) => scanTooSlow(ctx, causes(), read, budgetMs));
    const started = Date.now();
    const page = await pages.next(size);
    // A page twice the size (scanPageSize) takes about twice as long.
    pageMs = (Date.now() - started) * (size < sizes.mostPage ? 2 : 1);
    for (const document of page) {
      if (++read > ctx.scanLimit) throw scanBoundExceeded(ctx, causes());
      // Decoded one at a time: a reader that stops early decodes no more than it reads.
      yield pages.item(document);
    }
    if (page.length < size) return;
  }
}

/** A scan stopped before the deadline (deadline.ts beforeReadStep): the documents it must read are the cost. */
function scanTooSlow(ctx: ReadContext, causes: readonly string[], read: number, budgetMs: number): SpiError {
  const what = causes.length > 0 ? causes.join('; ') : 'this request';
  return readTooSlow(
    budgetMs,
    `Reading the documents of '${ctx.collection.id}' to evaluate what Firestore cannot answer itself (${what}; ${read} read so far)`,
    'Add a condition Firestore can answer (equality, $hasSome or a range on one field) so fewer documents are read, ' +
      'create the composite index the query needs when the log names one, or raise REQUEST_DEADLINE_MS.',
    { collectionId: ctx.collection.id, evaluatedInMemory: [...causes], documentsRead: read },
  );
}

/** The client's pages: each after the last snapshot read. */
function clientPages(paged: PagedRead): Pages<QueryDocumentSnapshot> {
  let last: QueryDocumentSnapshot | undefined;
  return {
    async next(size) {
      const page = await (last ? paged.query.startAfter(last) : paged.query).limit(size).get();
      last = page.docs.at(-1);
      return page.docs;
    },
    item: (doc) => toItem(doc.id, doc.data()),
  };
}

/**
 * The gapic reader's pages: each after the last document read, in the read's
 * order or Firestore's implicit one (structured-query.ts cursorOrder), which
 * the request then spells out as the client's does.
 */
async function readerPages(ctx: ReadContext, reader: DocumentReader, paged: PagedRead): Promise<Pages<ProtoDocument>> {
  const { target, startAfter: first } = await readerStart(ctx, reader, paged);
  const order = cursorOrder(paged.shape.filters, paged.shape.order);
  let last: ProtoDocument | undefined;
  return {
    async next(size) {
      let startAfter = first;
      if (last) {
        startAfter = cursorAfter(last, order);
        // A document without an ordered field: the client refuses that cursor too; let it say so.
        if (!startAfter) throw new UndecodedValue(order.map((o) => protoFieldPath(o.field)).join(', '));
      }
      const shape = { ...paged.shape, ...(startAfter ? { order, startAfter } : {}), limit: size };
      const documents = await reader.runQuery(runQueryRequest(target, shape));
      last = documents.at(-1);
      return documents;
    },
    item: itemOfDocument,
  };
}

/** The request target of a read through the reader, and the cursor of its keyset (when it starts after one). */
async function readerStart(
  ctx: ReadContext,
  reader: DocumentReader,
  paged: PagedRead,
): Promise<{ target: QueryTarget; startAfter: ProtoValue[] | undefined }> {
  const target = { ...(await reader.database()), collectionId: ctx.ref.id };
  const { keyset, shape } = paged;
  const startAfter = keyset && shape.order ? keysetCursor(target, shape.order, keyset as PushedScalar[]) : undefined;
  return { target, startAfter };
}

/** The items of `source`; with `keep`, only those it keeps, so the rest are never held together. */
export async function collect(source: AsyncIterable<Item>, keep?: (item: Item) => boolean): Promise<Item[]> {
  const out: Item[] = [];
  for await (const item of source) if (!keep || keep(item)) out.push(item);
  return out;
}

/**
 * Runs `work` with the gapic reader, and once more through the client's Query
 * when a document holds a value only the client decodes (proto-documents.ts):
 * both paths then answer the same.
 */
export async function withClientFallback<T>(ctx: ReadContext, work: (ctx: ReadContext) => Promise<T>): Promise<T> {
  try {
    return await work(ctx);
  } catch (error) {
    if (!(error instanceof UndecodedValue) || !ctx.reader) throw error;
    return work({ ...ctx, reader: undefined });
  }
}

/**
 * One page of a read Firestore answers whole (offset and limit pushed). With
 * the gapic reader: the request compiled from the plan (structured-query.ts),
 * the documents decoded as the client's snapshots would be (proto-documents.ts;
 * UndecodedValue for a value only the client decodes: withClientFallback reads
 * it through the client instead). Without: the client's Query.
 */
export async function readPage(ctx: ReadContext, paged: PagedRead, offset: number, limit: number): Promise<Item[]> {
  const reader = ctx.reader;
  if (!reader) {
    const snapshot = await paged.query.offset(offset).limit(limit).get();
    return snapshot.docs.map((doc) => toItem(doc.id, doc.data()));
  }
  const { target, startAfter } = await readerStart(ctx, reader, paged);
  const documents = await reader.runQuery(runQueryRequest(target, { ...paged.shape, startAfter, offset, limit }));
  const items = documents.map(itemOfDocument);
  // The stream's promises keep the documents array: not the documents (core release.ts).
  releaseRows(documents);
  return items;
}
