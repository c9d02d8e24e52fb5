/**
 * Item-write bookkeeping of every SQL engine (docs/protocol.md §4.5–§4.8): one
 * positional result per item, one bad item never failing the rest (§3.6).
 * The engine's writer encodes rows and runs its statements; how items are
 * prepared, split within the engine's batch limits, and retried item by item
 * when a batch fails because of one of them is decided once here.
 */
import { type ErrorCode, errors, type Item, type ItemResult, SpiError, type Value } from '@adaptors/core';

/** An item ready to write: its position in the call, its row as the engine encoded it. */
export interface Pending {
  readonly index: number;
  readonly id: string;
  readonly item: Item;
  readonly row: Record<string, unknown>;
  /** Its share of a batch's size limit. */
  readonly bytes: number;
}

/** What one statement or commit of the engine may hold. */
export interface BatchLimits {
  readonly maxBytes: number;
  /** Items per batch (e.g. Spanner's mutations per commit over the cells an item writes); none by default. */
  readonly maxItems?: number;
}

/**
 * Encodes each item for its columns (`encode` throws an SpiError for a value
 * a column cannot hold: that item's answer). With `overwrite` false, a second
 * item with the same _id in one call is ITEM_ALREADY_EXISTS too.
 */
export function prepareWrites(
  collectionId: string,
  items: readonly Item[],
  results: ItemResult[],
  encode: (item: Item) => { readonly row: Record<string, unknown>; readonly bytes: number },
  duplicates: 'refuse' | 'allow',
): Pending[] {
  const pending: Pending[] = [];
  const seen = new Set<string>();
  items.forEach((item, index) => {
    const id = String(item._id);
    try {
      const { row, bytes } = encode(item);
      if (duplicates === 'refuse' && seen.has(id))
        results[index] = { error: errors.itemAlreadyExists(collectionId, id) };
      else pending.push({ index, id, item, row, bytes });
      seen.add(id);
    } catch (error) {
      if (!(error instanceof SpiError)) throw error;
      results[index] = { error };
    }
  });
  return pending;
}

/** Splits pending items, in order, into batches within the engine's limits. */
export function batches<P extends { readonly bytes: number }>(pending: readonly P[], limits: BatchLimits): P[][] {
  const out: P[][] = [];
  let current: P[] = [];
  let bytes = 0;
  for (const p of pending) {
    const full = current.length >= (limits.maxItems ?? Number.POSITIVE_INFINITY) || bytes + p.bytes > limits.maxBytes;
    if (current.length > 0 && full) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(p);
    bytes += p.bytes;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Refusals of one item (an item's answer in a bulk write); any other error is the whole call's. */
const ITEM_LEVEL: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'VALIDATION_ERROR',
  'ITEM_ALREADY_EXISTS',
  'ITEM_NOT_FOUND',
  'REFERENCE_NOT_FOUND',
  'REFERENCE_ALREADY_EXISTS',
]);

/**
 * Writes a batch; when the engine refuses it because of one item (a unique
 * index, a NOT NULL column of a foreign table, a value out of range),
 * retries item by item to answer that item alone. `itemError` says whether
 * an error belongs to one item (else it is thrown, translated by `fail`).
 */
export async function writeOrSplit(
  batch: readonly Pending[],
  results: ItemResult[],
  write: (batch: readonly Pending[]) => Promise<void>,
  itemError: (error: unknown, itemId: string) => SpiError | undefined,
  fail: (error: unknown) => unknown,
): Promise<void> {
  try {
    await write(batch);
  } catch (error) {
    const only = batch.length === 1 ? batch[0] : undefined;
    const perItem = itemError(error, only?.id ?? String(batch[0]?.id));
    if (!perItem) throw fail(error);
    // The collection itself gone (another instance deleted it meanwhile) is the call's 404, not
    // every item's (docs/protocol.md §12): only item-level refusals are answered per item.
    if (!ITEM_LEVEL.has(perItem.code)) throw perItem;
    if (only) {
      results[only.index] = { error: perItem };
      return;
    }
    for (const entry of batch) await writeOrSplit([entry], results, write, itemError, fail);
  }
}

/**
 * An insert or update call end to end: items prepared (`encode`), split within
 * the engine's `limits`, each batch written by `write` (its per-item answers
 * into `results`), item by item when one item fails a batch (`itemError`);
 * a request-wide failure is thrown as `fail` translates it.
 */
export async function writeItems(
  collectionId: string,
  items: readonly Item[],
  engine: {
    readonly duplicates: 'refuse' | 'allow';
    readonly limits: BatchLimits;
    readonly encode: (item: Item) => { readonly row: Record<string, unknown>; readonly bytes: number };
    readonly write: (batch: readonly Pending[], results: ItemResult[]) => Promise<void>;
    readonly itemError: (error: unknown, itemId: string) => SpiError | undefined;
    readonly fail: (error: unknown) => unknown;
  },
): Promise<ItemResult[]> {
  const results: ItemResult[] = new Array(items.length);
  const pending = prepareWrites(collectionId, items, results, engine.encode, engine.duplicates);
  for (const batch of batches(pending, engine.limits)) {
    await writeOrSplit(batch, results, (entries) => engine.write(entries, results), engine.itemError, engine.fail);
  }
  return results;
}

/**
 * The answers of a remove (§4.7) from the rows found: ITEM_NOT_FOUND for a
 * missing id, and for an id repeated in the call (nothing left to remove);
 * the removed item otherwise. Returns the ids to delete.
 */
export function removalAnswers(
  collectionId: string,
  batch: readonly { readonly index: number; readonly id: string }[],
  found: ReadonlyMap<string, Item>,
  results: ItemResult[],
): string[] {
  const removed = new Set<string>();
  for (const { index, id } of batch) {
    const item = found.get(id);
    if (!item || removed.has(id)) results[index] = { error: errors.itemNotFound(collectionId, id) };
    else {
      removed.add(id);
      results[index] = { item };
    }
  }
  return [...removed];
}

/**
 * The items of an update (§4.6) that exist, from the rows found (`_id` and
 * `_createdDate`): ITEM_NOT_FOUND for the others. An update is a full
 * replacement that keeps the stored `_createdDate`, given with each entry.
 */
export function updatesFound<P extends Pending>(
  collectionId: string,
  batch: readonly P[],
  stored: ReadonlyMap<string, Item>,
  results: ItemResult[],
): { readonly entry: P; readonly createdDate: Value | undefined }[] {
  const out: { entry: P; createdDate: Value | undefined }[] = [];
  for (const entry of batch) {
    const current = stored.get(entry.id);
    if (current) out.push({ entry, createdDate: current._createdDate });
    else results[entry.index] = { error: errors.itemNotFound(collectionId, entry.id) };
  }
  return out;
}

/**
 * Several writes of one _id in one call: the last one is what is stored
 * (and a BigQuery MERGE source must match each target row only once).
 */
export function lastPerId<T extends { readonly id: string }>(batch: readonly T[]): T[] {
  return [...new Map(batch.map((b) => [b.id, b])).values()];
}

/** Errors made by `schemaChangedMeanwhile`: never an item's own error. */
const changedMeanwhile = new WeakSet<SpiError>();

/**
 * The answer to a statement that met a column gone from its table (another instance removed the
 * field while this one's schema was cached; each engine recognises it in its errors.ts): a
 * VALIDATION_ERROR, so the core re-reads the collection and runs the call once more against the
 * fresh schema (packages/core/src/adaptor/adaptor.ts; the engine's `refresh` says the definition
 * changed). The retry then succeeds, or refuses the removed field like any unknown one. Only if
 * that retry meets a missing column again does the caller see this error.
 */
export function schemaChangedMeanwhile(collectionId: string | undefined, column: string, engine: string): SpiError {
  const where = collectionId ? `the collection '${collectionId}'` : 'the collection';
  const error = errors.validation(
    column
      ? [
          {
            fieldPath: column,
            rejectedValue: column,
            message: `field ${column} was removed from the collection while this request ran`,
          },
        ]
      : [],
    `${where} changed while this request ran${column ? ` (its field ${column} is no longer in ${engine})` : ''}: read the collection again and send the request again.`,
  );
  changedMeanwhile.add(error);
  return error;
}

/** Whether `error` is the answer to a column gone meanwhile (never an item's own error). */
export function isSchemaChangedMeanwhile(error: unknown): boolean {
  return error instanceof SpiError && changedMeanwhile.has(error);
}
