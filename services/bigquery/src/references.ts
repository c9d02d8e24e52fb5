/**
 * BigQuery's writes of MULTI_REFERENCE pairs (sql-storage engine.ts
 * `ReferenceWriter`) in the one references table (dml.ts `REFERENCES_SCHEMA`,
 * clustered by collection, field and referring id). BigQuery has no keys or
 * transactions across statements, so each call reads what its answers depend
 * on (existing pairs, both ends' items — three reads in parallel; answers by
 * sql-storage references.ts), then writes in one statement; calls on the
 * references table are serialised within the instance (KeyedLock), as item
 * writes are. Pages of pairs are read by sql-storage with the shared statements.
 */
import { type Field, KeyedLock, type ReferencePair, type ReferenceResult } from '@adaptors/core';
import { insertAnswers, pairId, REFERENCES_TABLE, removeAnswers } from '@adaptors/sql-storage';
import type { BigQueryCollection } from './collections.ts';
import { deletePairs, insertPairs, selectByIds, selectPairsAmong } from './dml.ts';

import type { BigQueryRunner } from './runner.ts';

export class References {
  private readonly runner: BigQueryRunner;
  private readonly lock = new KeyedLock();

  constructor(runner: BigQueryRunner) {
    this.runner = runner;
  }

  insert(
    c: BigQueryCollection,
    field: Field,
    references: readonly ReferencePair[],
    target: BigQueryCollection | undefined,
  ): Promise<ReferenceResult[]> {
    return this.lock.run(REFERENCES_TABLE, async () => {
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
      const { results, fresh } = insertAnswers(c.stored.id, field, references, { referring, referenced, existing });
      if (fresh.length > 0) await this.runner.run(insertPairs(c.stored.id, field.key, targetId, fresh), c.stored.id);
      return results;
    });
  }

  remove(c: BigQueryCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    return this.lock.run(REFERENCES_TABLE, async () => {
      const existing = await this.existingPairs(c, field, references);
      const { results, removed } = removeAnswers(field, references, existing);
      if (removed.length > 0) await this.runner.run(deletePairs(c.stored.id, field.key, removed), c.stored.id);
      return results;
    });
  }

  private async existingPairs(
    c: BigQueryCollection,
    field: Field,
    pairs: readonly ReferencePair[],
  ): Promise<Set<string>> {
    if (pairs.length === 0) return new Set();
    const { rows } = await this.runner.run(selectPairsAmong(c.stored.id, field.key, pairs), c.stored.id);
    return new Set(
      rows.map((row) => pairId({ referringItemId: String(row.get('a')), referencedItemId: String(row.get('b')) })),
    );
  }

  private async ids(c: BigQueryCollection, ids: readonly string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const { rows } = await this.runner.run(selectByIds(c.stored.id, ['_id'], [...new Set(ids)]), c.stored.id);
    return new Set(rows.map((row) => String(row.get('c0'))));
  }
}
