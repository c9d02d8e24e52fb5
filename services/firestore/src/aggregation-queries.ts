/**
 * count/sum/average over one query, answered by Firestore's aggregation
 * queries (reads.ts without grouping, groups.ts once per group).
 *
 * Firestore computes sum() and average() by scanning the aggregated field's
 * index, and a document without that field has no entry there: an
 * aggregation query that asks for sum or average of a field counts, sums and
 * averages only the documents holding every field it aggregates. Measured on
 * the emulator: average(doc.a) with count() over 40 documents none of which
 * holds doc.a answered count 0, and average(score) beside average(doc.a)
 * answered null for score, which all of them hold. Wix counts every item
 * the filter matches and averages each field over the items holding a number
 * there (packages/core/SEMANTICS.md rules 31–32).
 *
 * A field the storage format keeps on every document (format.ts
 * `completeFields`: declared, top-level, null when empty, backfilled) is in its
 * index for every document, so the count and such fields are asked in one
 * query: one RPC and one snapshot, the common case. Every other field (nested
 * paths, undeclared fields, collections not in the format) is asked in a query
 * of its own, all of them read at one time (one snapshot).
 */
import type { AggregateOperation } from '@adaptors/core';
import { AggregateField, type AggregateQuerySnapshot, FieldPath, type Query } from '@google-cloud/firestore';
import type { FilterPlan, PushedFilter } from './planner.ts';

/**
 * Whether Firestore refuses sum()/average() over this plan's query: with a condition on the
 * document id (`__name__`: `_id` $eq/$in/$hasSome/ranges, alone or inside $and) Firestore answers
 * INVALID_ARGUMENT "This query requires an index that has fields [f] after __name__ and Firestore
 * does not currently support such an index" (the emulator; the wording says production too), which
 * no composite index fixes. Such aggregations are evaluated over the matching documents instead
 * (reads.ts, groups.ts), within the scan bound. A count alone is answered.
 */
export function sumsRefusedByIdCondition(plan: FilterPlan, operations: readonly AggregateOperation[]): boolean {
  return operations.some((op) => op.op === 'sum' || op.op === 'avg') && plan.pushed.some(namesDocumentId);
}

function namesDocumentId(filter: PushedFilter): boolean {
  return filter.kind === 'where' ? filter.field.kind === 'id' : filter.filters.some(namesDocumentId);
}

/** Firestore answers at most 5 aggregations in one aggregation query (the emulator fails a 7th with UNKNOWN). */
const MAX_AGGREGATIONS = 5;

type Fields = Record<string, AggregateField<number | null>>;

/**
 * The answers by alias: `n` the count (when `count` is set), and for the
 * operation at index i with a field, `s${i}` its sum and `a${i}` its average
 * (Firestore's sum() is 0 over no number, so callers read the average to tell
 * "no number": SEMANTICS.md rule 31). Counts and integer sums are numbers.
 * Each field is asked once however many operations name it, and no query
 * holds more than MAX_AGGREGATIONS.
 */
export async function aggregateOnServer(
  query: Query,
  operations: readonly AggregateOperation[],
  count: boolean,
  complete: ReadonlySet<string>,
): Promise<Record<string, number | null>> {
  const fields = new Map<string, { at: FieldPath; everywhere: boolean; ops: number[] }>();
  operations.forEach((op, i) => {
    if (op.op === 'count' || !op.field) return;
    const key = JSON.stringify([op.field.field, ...op.field.path]);
    const known = fields.get(key);
    if (known) known.ops.push(i);
    else {
      const everywhere = op.field.path.length === 0 && complete.has(op.field.field);
      fields.set(key, { at: new FieldPath(op.field.field, ...op.field.path), everywhere, ops: [i] });
    }
  });
  const entries = [...fields.values()];
  // The count and the fields on every document share queries (one, unless more than two such
  // fields); every other field has one of its own.
  const asked: Fields[] = [];
  let shared: Fields = count ? { n: AggregateField.count() as AggregateField<number | null> } : {};
  entries.forEach((field, j) => {
    const pair: Fields = { [`s${j}`]: AggregateField.sum(field.at), [`a${j}`]: AggregateField.average(field.at) };
    if (!field.everywhere) asked.push(pair);
    else if (Object.keys(shared).length + 2 <= MAX_AGGREGATIONS) Object.assign(shared, pair);
    else {
      asked.push(shared);
      shared = pair;
    }
  });
  if (Object.keys(shared).length > 0) asked.push(shared);
  const answers = await askAll(query, asked);
  const raw: Record<string, number | null> = {};
  for (const answer of answers) {
    // useBigInt (values.ts): counts and sums of integers come as BigInt; Wix answers are numbers.
    for (const [alias, value] of Object.entries(answer.data() as Record<string, number | bigint | null>)) {
      raw[alias] = typeof value === 'bigint' ? Number(value) : value;
    }
  }
  const out: Record<string, number | null> = count ? { n: raw.n ?? 0 } : {};
  entries.forEach((field, j) => {
    for (const i of field.ops) {
      out[`s${i}`] = raw[`s${j}`] ?? null;
      out[`a${i}`] = raw[`a${j}`] ?? null;
    }
  });
  return out;
}

/**
 * The aggregation queries' answers, read from one snapshot. One query alone is one snapshot.
 * Several are all asked at one read time, in a read-only transaction at that time (no RPC of its
 * own; they run at once): the read time the first one answered with, that query asked again
 * with the others. Run side by side, a write landing between them was counted by one query and
 * not summed by another; in a read-only transaction without a read time, the emulator still
 * answered a later query from a later state under load; and beside the first query's own answer,
 * a query at its read time once summed one item fewer than it counted (a full CI run on a loaded
 * machine: the emulator's live answer is not exactly its reported read time's state;
 * test/aggregation-snapshot.test.ts). One more round trip (its queries run at once), only when a
 * field is asked apart.
 */
async function askAll(query: Query, asked: readonly Fields[]): Promise<AggregateQuerySnapshot<Fields>[]> {
  const first = asked[0];
  if (!first) return [];
  const head = await query.aggregate(first).get();
  if (asked.length === 1) return [head];
  return query.firestore.runTransaction((tx) => Promise.all(asked.map((spec) => tx.get(query.aggregate(spec)))), {
    readOnly: true,
    readTime: head.readTime,
  });
}

/** An operation's value from aggregateOnServer's answers: null where no item held a number (rule 31). */
export function operationValue(
  op: AggregateOperation,
  i: number,
  answers: Record<string, number | null>,
): number | null {
  if (op.op === 'count' || !op.field) return answers.n ?? 0;
  const average = answers[`a${i}`] ?? null;
  return average === null ? null : op.op === 'avg' ? average : (answers[`s${i}`] ?? null);
}
