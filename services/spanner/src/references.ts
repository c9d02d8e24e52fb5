/**
 * Spanner's writes of MULTI_REFERENCE pairs (sql-storage engine.ts
 * `ReferenceWriter`) in the one references table (ddl.ts
 * `referencesTableDdl`). Inserts and removals read the pairs and items they
 * depend on inside one read-write transaction, so each pair gets its exact
 * answer (sql-storage references.ts `insertAnswers`/`removeAnswers`); pages of
 * pairs are read by sql-storage with the shared statements.
 */
import type { Field, ReferencePair, ReferenceResult } from '@adaptors/core';
import { insertAnswers, pairId, removeAnswers } from '@adaptors/sql-storage';
import { type Database, Spanner, type Transaction } from '@google-cloud/spanner';
import { readWrite } from './client-guards.ts';
import type { SpannerCollection } from './collections.ts';
import { REFERENCES_TABLE } from './ddl.ts';
import { callOptions, streamOptions } from './deadline.ts';
import { translateError } from './errors.ts';
import { readIds } from './rows.ts';

export class References {
  private readonly database: Database;

  constructor(database: Database) {
    this.database = database;
  }

  async insert(
    c: SpannerCollection,
    field: Field,
    references: readonly ReferencePair[],
    target: SpannerCollection | undefined,
  ): Promise<ReferenceResult[]> {
    const targetId = field.multiReferenceOptions?.referencedCollectionId ?? '?';
    return this.inTransaction(c, async (tx) => {
      // Sequential: the first read of a transaction also begins it.
      const referring = await readIds(
        tx,
        c,
        references.map((r) => r.referringItemId),
      );
      const referenced = target
        ? await readIds(
            tx,
            target,
            references.map((r) => r.referencedItemId),
          )
        : new Set<string>();
      const existing = await readPairs(tx, c, field, references);
      const { results, fresh } = insertAnswers(c.stored.id, field, references, { referring, referenced, existing });
      if (fresh.length > 0) {
        tx.insert(
          REFERENCES_TABLE,
          fresh.map((ref, seq) => ({
            collection_id: c.stored.id,
            field_key: field.key,
            referring_id: ref.referringItemId,
            referenced_id: ref.referencedItemId,
            referenced_collection_id: targetId,
            // Creation order = commit timestamp, then position in this call (§4.9 order).
            created_at: Spanner.COMMIT_TIMESTAMP,
            seq: String(seq),
          })),
        );
      }
      return results;
    });
  }

  async remove(c: SpannerCollection, field: Field, references: readonly ReferencePair[]): Promise<ReferenceResult[]> {
    return this.inTransaction(c, async (tx) => {
      const existing = await readPairs(tx, c, field, references);
      const { results, removed } = removeAnswers(field, references, existing);
      if (removed.length > 0)
        tx.deleteRows(
          REFERENCES_TABLE,
          removed.map((ref) => pairKey(c, field, ref)),
        );
      return results;
    });
  }

  private async inTransaction<T>(c: SpannerCollection, run: (tx: Transaction) => Promise<T>): Promise<T> {
    try {
      return await readWrite(this.database, async (tx) => {
        const result = await run(tx);
        await tx.commit({ gaxOptions: callOptions() });
        return result;
      });
    } catch (error) {
      throw translateError(error, c.stored.id);
    }
  }
}

/** The references table's primary key of a pair. */
function pairKey(c: SpannerCollection, field: Field, ref: ReferencePair): string[] {
  return [c.stored.id, field.key, ref.referringItemId, ref.referencedItemId];
}

/** The asked pairs that exist, by sql-storage `pairId` (key reads inside the transaction lock them). */
async function readPairs(
  tx: Transaction,
  c: SpannerCollection,
  field: Field,
  references: readonly ReferencePair[],
): Promise<Set<string>> {
  if (references.length === 0) return new Set();
  const [rows] = await tx.read(REFERENCES_TABLE, {
    gaxOptions: streamOptions(),
    keys: references.map((r) => pairKey(c, field, r)),
    columns: ['referring_id', 'referenced_id'],
    json: true,
  });
  return new Set(
    (rows as Record<string, unknown>[]).map((r) =>
      pairId({ referringItemId: String(r.referring_id), referencedItemId: String(r.referenced_id) }),
    ),
  );
}
