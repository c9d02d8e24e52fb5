/**
 * MULTI_REFERENCE pairs (docs/protocol.md §4.9–§4.11) in the one references table
 * (spanner-ddl.ts `referencesTableDdl`). Inserts and removals read the pairs
 * and items they depend on inside one read-write transaction, so each pair
 * gets its exact per-item answer; pages of pairs are plain SQL on the
 * references table, and the referenced items themselves are read through
 * googlesql like every other item read.
 */
import {
  errors,
  type Field,
  type Item,
  type ReferencedItem,
  type ReferencedSpec,
  type ReferencePair,
  type ReferenceResult,
} from '@adaptors/core';
import { itemsById, itemsByIdQuery, queryReferenced } from '@adaptors/sql-storage';
import { type Database, Spanner, type Transaction } from '@google-cloud/spanner';
import type { SpannerCollection } from './spanner-collections.ts';
import { REFERENCES_TABLE } from './spanner-ddl.ts';
import { callOptions, transactionOptions } from './spanner-deadline.ts';
import { countPairs, selectPairs } from './spanner-dml.ts';
import { translateError } from './spanner-errors.ts';
import type { Reader } from './spanner-reads.ts';

type PairKey = [string, string, string, string];

export class References {
  private readonly database: Database;
  private readonly reader: Reader;
  private readonly collection: (id: string) => Promise<SpannerCollection | undefined>;

  constructor(database: Database, reader: Reader, collection: (id: string) => Promise<SpannerCollection | undefined>) {
    this.database = database;
    this.reader = reader;
    this.collection = collection;
  }

  query(
    c: SpannerCollection,
    spec: ReferencedSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ items: ReferencedItem[]; total?: number }> {
    return queryReferenced(c.stored.id, spec, options, {
      pairs: async (query) =>
        (await this.reader.rows(selectPairs(query), c.stored.id)).map((row) => ({
          referringItemId: String(row.get('referring_id')),
          referencedItemId: String(row.get('referenced_id')),
        })),
      count: async (query) => {
        const n = (await this.reader.rows(countPairs(query), c.stored.id))[0]?.get('n');
        return typeof n === 'number' ? n : 0;
      },
      referencedItems: async (spec, ids) => {
        const target = await this.target(spec.field);
        return target ? this.itemsById(target, ids, spec.projection) : new Map<string, Item>();
      },
    });
  }

  async insert(c: SpannerCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    const target = await this.target(field);
    const targetId = field.multiReferenceOptions?.referencedCollectionId ?? '?';
    return this.inTransaction(c, async (tx) => {
      const results: ReferenceResult[] = [];
      // Sequential: the first read of a transaction also begins it.
      const referring = await readKeys(
        tx,
        c.stored.id,
        references.map((r) => r.referringItemId),
      );
      const referenced = target
        ? await readKeys(
            tx,
            target.stored.id,
            references.map((r) => r.referencedItemId),
          )
        : new Set<string>();
      const existing = await readPairs(
        tx,
        references.map((r) => pairKey(c, field, r)),
      );
      const rows: Record<string, unknown>[] = [];
      for (const ref of references) {
        const key = pairKey(c, field, ref).join('\u0000');
        if (!referring.has(ref.referringItemId)) {
          results.push({ error: errors.itemNotFound(c.stored.id, ref.referringItemId) });
        } else if (!referenced.has(ref.referencedItemId)) {
          results.push({ error: errors.itemNotFound(targetId, ref.referencedItemId) });
        } else if (existing.has(key)) {
          results.push({ error: errors.referenceAlreadyExists(field.key, ref.referringItemId, ref.referencedItemId) });
        } else {
          existing.add(key); // the same pair twice in one call: the second already exists
          rows.push({
            collection_id: c.stored.id,
            field_key: field.key,
            referring_id: ref.referringItemId,
            referenced_id: ref.referencedItemId,
            referenced_collection_id: targetId,
            // Creation order = commit timestamp, then position in this call (§4.9 order).
            created_at: Spanner.COMMIT_TIMESTAMP,
            seq: String(rows.length),
          });
          results.push({ reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } });
        }
      }
      if (rows.length > 0) tx.insert(REFERENCES_TABLE, rows);
      return results;
    });
  }

  async remove(c: SpannerCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    return this.inTransaction(c, async (tx) => {
      const keys = references.map((r) => pairKey(c, field, r));
      const existing = await readPairs(tx, keys);
      const removed: PairKey[] = [];
      const results = references.map((ref, i): ReferenceResult => {
        const key = keys[i] as PairKey;
        const id = key.join('\u0000');
        if (!existing.has(id)) {
          return { error: errors.referenceNotFound(field.key, ref.referringItemId, ref.referencedItemId) };
        }
        existing.delete(id); // removed once: a repeat in the same call is not found
        removed.push(key);
        return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
      });
      if (removed.length > 0) tx.deleteRows(REFERENCES_TABLE, removed);
      return results;
    });
  }

  private async target(field: Field): Promise<SpannerCollection | undefined> {
    const id = field.multiReferenceOptions?.referencedCollectionId;
    return id ? this.collection(id) : undefined;
  }

  private async itemsById(
    target: SpannerCollection,
    ids: readonly string[],
    projection: readonly string[] | undefined,
  ): Promise<Map<string, Item>> {
    return itemsById(await this.reader.query(target, itemsByIdQuery(ids, projection)));
  }

  private async inTransaction<T>(c: SpannerCollection, run: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await this.database.runTransactionAsync(transactionOptions(), async (tx) => {
        const result = await run(tx);
        await tx.commit({ gaxOptions: callOptions() });
        return result;
      });
    } catch (error) {
      throw translateError(error, c.stored.id);
    }
  }
}

function pairKey(c: SpannerCollection, field: Field, ref: ReferencePair): PairKey {
  return [c.stored.id, field.key, ref.referringItemId, ref.referencedItemId];
}

async function readKeys(tx: Transaction, table: string, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const [rows] = await tx.read(table, {
    keys: [...new Set(ids)],
    columns: ['_id'],
    json: true,
    gaxOptions: callOptions(),
  });
  return new Set((rows as { _id?: unknown }[]).map((row) => String(row._id)));
}

async function readPairs(tx: Transaction, keys: readonly PairKey[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const [rows] = await tx.read(REFERENCES_TABLE, {
    gaxOptions: callOptions(),
    keys: keys.map((k) => [...k]),
    columns: ['collection_id', 'field_key', 'referring_id', 'referenced_id'],
    json: true,
  });
  return new Set(
    (rows as Record<string, unknown>[]).map((r) =>
      [r.collection_id, r.field_key, r.referring_id, r.referenced_id].map(String).join('\u0000'),
    ),
  );
}
