/**
 * The I/O half of a Firestore read: decides how a plan (planner.ts) is read —
 * pushed whole, in order with a residual, or every candidate — has
 * paged-reads.ts read it, and finishes with the
 * core evaluator — whole filter, sort, keyset, offset/limit, projection — so
 * every answer equals the evaluator's (docs/design.md §1 "the evaluator is the law").
 *
 * Reads that need the evaluator are bounded: past `scanLimit` documents the
 * request is refused with an error naming what Firestore could not answer,
 * never answered with a partial page.
 */
import { type Item, project, type QuerySpec, type Value } from '@adaptors/core';
import { isIndexRequired } from './errors.ts';
import { filterFields } from './filter-text.ts';
import { completeFields, formattedFields } from './format.ts';
import { indexesForPlan, shapeKey, withoutCompositeIndex } from './index-fallback.ts';
import { ambiguousBoundary, exactMatcher, runQueryExact } from './integers.ts';
import { collect, pagedRead, type ReadContext, readPage, scan, scanAll, withClientFallback } from './paged-reads.ts';
import { type FilterPlan, type PlanOptions, type PushedOrder, planQuery, type QueryPlan } from './planner.ts';
import { unsafeIntegerOfText } from './values.ts';

/** What the planner may assume of this collection: declared types (strict) and the storage format's fields. */
export function planOptions(ctx: Pick<ReadContext, 'collection'>): PlanOptions {
  return { trustedTypes: ctx.collection.strict !== false, formatted: completeFields(ctx.collection) };
}

/** Top-level fields to fetch; undefined = whole documents. `_id` is the document id, never selected. */
function selection(needed: Iterable<string> | undefined): string[] | undefined {
  if (needed === undefined) return undefined;
  return [...new Set(needed)].filter((key) => key !== '_id');
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
    const read = await readPage(ctx, paged, spec.offset, spec.limit);
    return read.map((item) => project(item, spec.projection));
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
