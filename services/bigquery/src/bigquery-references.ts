/**
 * MULTI_REFERENCE pairs (docs/protocol.md §4.9–§4.11) in one references table
 * (bigquery-dml.ts `REFERENCES_SCHEMA`, clustered by collection, field and
 * referring id). BigQuery has no keys or transactions across statements, so
 * each call reads what its answers depend on (existing pairs, both ends'
 * items — three reads in parallel), then writes in one statement; calls on
 * the references table are serialised within the instance (KeyedLock), as
 * item writes are. Pages of pairs are plain SQL; the referenced items are read
 * through googlesql like every other item read.
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
import type { BigQueryCollection } from './bigquery-collections.ts';
import {
  countPairs,
  deletePairs,
  insertPairs,
  REFERENCES_TABLE,
  selectByIds,
  selectPairs,
  selectPairsAmong,
} from './bigquery-dml.ts';
import type { Executor } from './bigquery-executor.ts';
import { KeyedLock } from './bigquery-lock.ts';
import type { Reader } from './bigquery-reads.ts';

const pairId = (a: string, b: string): string => JSON.stringify([a, b]);

export class References {
  private readonly executor: Executor;
  private readonly reader: Reader;
  private readonly collection: (id: string) => Promise<BigQueryCollection | undefined>;
  private readonly lock = new KeyedLock();

  constructor(executor: Executor, reader: Reader, collection: (id: string) => Promise<BigQueryCollection | undefined>) {
    this.executor = executor;
    this.reader = reader;
    this.collection = collection;
  }

  query(
    c: BigQueryCollection,
    spec: ReferencedSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ items: ReferencedItem[]; total?: number }> {
    return queryReferenced(c.stored.id, spec, options, {
      pairs: async (query) =>
        (await this.executor.run(selectPairs(query), c.stored.id)).rows.map((row) => ({
          referringItemId: String(row.get('a')),
          referencedItemId: String(row.get('b')),
        })),
      count: async (query) => {
        const n = (await this.executor.run(countPairs(query), c.stored.id)).rows[0]?.get('n');
        return typeof n === 'number' ? n : 0;
      },
      referencedItems: async (spec, ids) => {
        const target = await this.target(spec.field);
        return target ? this.itemsById(target, ids, spec.projection) : new Map<string, Item>();
      },
    });
  }

  insert(c: BigQueryCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    return this.lock.run(REFERENCES_TABLE, async () => {
      const target = await this.target(field);
      const targetId = field.multiReferenceOptions?.referencedCollectionId ?? '?';
      const [referring, referenced, existing] = await Promise.all([
        this.ids(
          c,
          references.map((r) => r.referringItemId),
        ),
        target
          ? this.ids(
              target,
              references.map((r) => r.referencedItemId),
            )
          : new Set<string>(),
        this.existingPairs(c, field, references),
      ]);
      const fresh: ReferencePair[] = [];
      const results = references.map((ref): ReferenceResult => {
        const key = pairId(ref.referringItemId, ref.referencedItemId);
        if (!referring.has(ref.referringItemId))
          return { error: errors.itemNotFound(c.stored.id, ref.referringItemId) };
        if (!referenced.has(ref.referencedItemId))
          return { error: errors.itemNotFound(targetId, ref.referencedItemId) };
        if (existing.has(key)) {
          return { error: errors.referenceAlreadyExists(field.key, ref.referringItemId, ref.referencedItemId) };
        }
        existing.add(key); // the same pair twice in one call: the second already exists
        fresh.push(ref);
        return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
      });
      if (fresh.length > 0) await this.executor.run(insertPairs(c.stored.id, field.key, targetId, fresh), c.stored.id);
      return results;
    });
  }

  remove(c: BigQueryCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    return this.lock.run(REFERENCES_TABLE, async () => {
      const existing = await this.existingPairs(c, field, references);
      const removed: ReferencePair[] = [];
      const results = references.map((ref): ReferenceResult => {
        const key = pairId(ref.referringItemId, ref.referencedItemId);
        if (!existing.has(key)) {
          return { error: errors.referenceNotFound(field.key, ref.referringItemId, ref.referencedItemId) };
        }
        existing.delete(key); // removed once: a repeat in the same call is not found
        removed.push(ref);
        return { reference: { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId } };
      });
      if (removed.length > 0) await this.executor.run(deletePairs(c.stored.id, field.key, removed), c.stored.id);
      return results;
    });
  }

  private async existingPairs(
    c: BigQueryCollection,
    field: Field,
    pairs: readonly ReferencePair[],
  ): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const { rows } = await this.executor.run(selectPairsAmong(c.stored.id, field.key, pairs), c.stored.id);
    return new Set(rows.map((row) => pairId(String(row.get('a')), String(row.get('b')))));
  }

  private async ids(c: BigQueryCollection, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.executor.run(selectByIds(c.stored.id, ['_id'], [...new Set(ids)]), c.stored.id);
    return new Set(rows.map((row) => String(row.get('c0'))));
  }

  private async target(field: Field): Promise<BigQueryCollection | undefined> {
    const id = field.multiReferenceOptions?.referencedCollectionId;
    return id ? this.collection(id) : undefined;
  }

  private async itemsById(
    target: BigQueryCollection,
    ids: readonly string[],
    projection: readonly string[] | undefined,
  ): Promise<Map<string, Item>> {
    return itemsById(await this.reader.query(target, itemsByIdQuery(ids, projection)));
  }
}
