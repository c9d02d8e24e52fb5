/**
 * Multi-reference pairs (docs/protocol.md §4.9–§4.11; docs/semantics.md §8).
 *
 * Layout: one document per pair in the references collection (default
 * `_wix_references`), id = a deterministic key of (collection, field,
 * referring id, referenced id) so `create()` detects REFERENCE_ALREADY_EXISTS
 * atomically. Fields:
 *   rel    "<collection>/<field>"     (collection ids cannot contain "/")
 *   coll   referring collection id    (cleanup when items/collections go)
 *   target referenced collection id   (cleanup on the other side)
 *   from, to                          item ids
 *   seq    creation order (µs clock, strictly increasing per instance)
 *
 * Every query uses equality filters only (rel ==, from/to in ≤ 30 ids), which
 * Firestore serves from its automatic single-field indexes: no composite
 * index is needed. Ordering by creation time happens in memory over the pairs
 * of the requested items, bounded by FIRESTORE_SCAN_LIMIT.
 */
import { createHash } from 'node:crypto';
import {
  errors,
  type Field,
  type Item,
  project,
  type ReferencedItem,
  type ReferencedSpec,
  type ReferencePair,
  type ReferenceResult,
  SpiError,
  type StoredCollection,
} from '@adaptors/core';
import type { Firestore, Query } from '@google-cloud/firestore';
import { translateError } from './errors.ts';
import { scanBoundExceeded } from './paged-reads.ts';
import { MAX_DISJUNCTIONS } from './planner.ts';
import {
  createDocuments,
  type DocumentDelete,
  type DocumentWrite,
  deleteDocuments,
  type Outcome,
} from './transactions.ts';
import { isValidDocumentId, toItem } from './values.ts';
import { newBulkWriter } from './writes.ts';

interface PairDoc {
  readonly from: string;
  readonly to: string;
  readonly seq: number;
}

export interface ReferenceOptions {
  readonly collection: string;
  readonly scanLimit: number;
  /** Transactions of pair writes run at once (FIRESTORE_WRITE_CONCURRENCY). */
  readonly concurrency: number;
}

let lastSeq = 0;
/** Microseconds since the epoch, strictly increasing in this process (< 2^53 until year 2255). */
function nextSeq(): number {
  lastSeq = Math.max(Date.now() * 1000, lastSeq + 1);
  return lastSeq;
}

function chunks<T>(values: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < values.length; i += size) out.push(values.slice(i, i + size));
  return out;
}

export class FirestoreReferences {
  constructor(
    private readonly db: Firestore,
    private readonly options: ReferenceOptions,
  ) {}

  private get pairs() {
    return this.db.collection(this.options.collection);
  }

  /** Readable when short; hashed when the ids would pass Firestore's 1,500-byte document id limit. */
  private pairId(collectionId: string, fieldKey: string, from: string, to: string): string {
    const raw = [collectionId, fieldKey, from, to].map((part) => encodeURIComponent(part)).join('~');
    return raw.length <= 700 ? raw : `h~${createHash('sha256').update(raw).digest('hex')}`;
  }

  async insert(
    collection: StoredCollection,
    field: Field,
    target: StoredCollection | undefined,
    references: readonly ReferencePair[],
  ): Promise<ReferenceResult[]> {
    const targetId = field.multiReferenceOptions?.referencedCollectionId ?? '';
    const [referring, referenced] = await Promise.all([
      this.existing(
        collection.id,
        references.map((r) => r.referringItemId),
      ),
      target
        ? this.existing(
            target.id,
            references.map((r) => r.referencedItemId),
          )
        : new Set<string>(),
    ]);
    const results: ReferenceResult[] = new Array(references.length);
    const writes: DocumentWrite[] = [];
    const seen = new Set<string>();
    references.forEach((ref, index) => {
      const pair = { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId };
      if (!referring.has(pair.referringItemId)) {
        results[index] = { error: errors.itemNotFound(collection.id, pair.referringItemId) };
        return;
      }
      if (!referenced.has(pair.referencedItemId)) {
        results[index] = { error: errors.itemNotFound(targetId, pair.referencedItemId) };
        return;
      }
      const id = this.pairId(collection.id, field.key, pair.referringItemId, pair.referencedItemId);
      if (seen.has(id)) {
        results[index] = {
          error: errors.referenceAlreadyExists(field.key, pair.referringItemId, pair.referencedItemId),
        };
        return;
      }
      seen.add(id);
      const seq = nextSeq();
      const doc = {
        rel: `${collection.id}/${field.key}`,
        coll: collection.id,
        target: targetId,
        from: pair.referringItemId,
        to: pair.referencedItemId,
        seq,
        createdAt: new Date(),
      };
      // An earlier attempt of this very write (retried transaction) carries the same seq.
      writes.push({ key: index, ref: this.pairs.doc(id), data: doc, mine: (snapshot) => snapshot.get('seq') === seq });
    });
    const outcomes = await createDocuments(this.db, writes, {
      overwrite: false,
      concurrency: this.options.concurrency,
    });
    answerOutcomes(outcomes, references, results, (pair) =>
      errors.referenceAlreadyExists(field.key, pair.referringItemId, pair.referencedItemId),
    );
    return results;
  }

  async remove(
    collection: StoredCollection,
    field: Field,
    references: readonly ReferencePair[],
  ): Promise<ReferenceResult[]> {
    const results: ReferenceResult[] = new Array(references.length);
    const deletes: DocumentDelete[] = [];
    const seen = new Set<string>();
    references.forEach((ref, index) => {
      const id = this.pairId(collection.id, field.key, ref.referringItemId, ref.referencedItemId);
      if (seen.has(id)) {
        results[index] = { error: errors.referenceNotFound(field.key, ref.referringItemId, ref.referencedItemId) };
        return;
      }
      seen.add(id);
      deletes.push({ key: index, ref: this.pairs.doc(id) });
    });
    // A pair that is not there is REFERENCE_NOT_FOUND, not a silent no-op.
    const outcomes = await deleteDocuments(this.db, deletes, this.options.concurrency);
    answerOutcomes(outcomes, references, results, (pair) =>
      errors.referenceNotFound(field.key, pair.referringItemId, pair.referencedItemId),
    );
    return results;
  }

  async query(
    collection: StoredCollection,
    spec: ReferencedSpec,
    target: StoredCollection | undefined,
    countTotal: boolean,
  ): Promise<{ items: ReferencedItem[]; total?: number }> {
    const rel = this.pairs.where('rel', '==', `${collection.id}/${spec.field.key}`);
    const from = new Set(spec.referringItemIds);
    const to = new Set(spec.referencedItemIds);
    let queries: Query[];
    if (from.size > 0) queries = chunks([...from], MAX_DISJUNCTIONS).map((ids) => rel.where('from', 'in', ids));
    else if (to.size > 0) queries = chunks([...to], MAX_DISJUNCTIONS).map((ids) => rel.where('to', 'in', ids));
    else queries = [rel];
    const found = (await Promise.all(queries.map((q) => this.read(q, collection.id)))).flat();
    const pairs = found.filter((p) => (from.size === 0 || from.has(p.from)) && (to.size === 0 || to.has(p.to)));
    // Creation time, then referenced id (ReferencedSpec.order); desc reverses both.
    pairs.sort((a, b) => a.seq - b.seq || (a.to < b.to ? -1 : a.to > b.to ? 1 : 0));
    if (spec.order === 'desc') pairs.reverse();
    const page = pairs.slice(spec.offset, spec.offset + spec.limit);
    const items =
      spec.includeReferencedItems && target ? await this.withItems(page, target, spec.projection) : page.map(plain);
    return countTotal ? { items, total: pairs.length } : { items };
  }

  private async read(query: Query, collectionId: string): Promise<PairDoc[]> {
    const snapshot = await query
      .select('from', 'to', 'seq')
      .limit(this.options.scanLimit + 1)
      .get();
    if (snapshot.size > this.options.scanLimit) {
      throw scanBoundExceeded({ collection: { id: collectionId, fields: [] }, scanLimit: this.options.scanLimit }, [
        'ordering multi-reference pairs by creation time',
      ]);
    }
    return snapshot.docs.map((doc) => ({
      from: String(doc.get('from')),
      to: String(doc.get('to')),
      seq: Number(doc.get('seq')),
    }));
  }

  private async withItems(
    page: readonly PairDoc[],
    target: StoredCollection,
    projection: readonly string[] | undefined,
  ): Promise<ReferencedItem[]> {
    const ids = [...new Set(page.map((p) => p.to))].filter(isValidDocumentId);
    const ref = this.db.collection(target.id);
    const snapshots = ids.length > 0 ? await this.db.getAll(...ids.map((id) => ref.doc(id))) : [];
    const items = new Map<string, Item>();
    for (const s of snapshots) if (s.exists) items.set(s.id, project(toItem(s.id, s.data()), projection));
    return page.map((p) => {
      const item = items.get(p.to);
      return item ? { ...plain(p), referencedItem: item } : plain(p);
    });
  }

  /** Ids among `ids` that are documents of `collectionId`. */
  private async existing(collectionId: string, ids: readonly string[]): Promise<Set<string>> {
    const valid = [...new Set(ids)].filter(isValidDocumentId);
    const ref = this.db.collection(collectionId);
    const out = new Set<string>();
    for (const part of chunks(valid, 500)) {
      const snapshots = await this.db.getAll(...part.map((id) => ref.doc(id)), { fieldMask: [] });
      for (const s of snapshots) if (s.exists) out.add(s.id);
    }
    return out;
  }

  /** Removes the pairs removed items take part in, on both sides (§8). `ids` undefined = every item. */
  async dropPairsOf(collectionId: string, ids: readonly string[] | undefined): Promise<void> {
    const queries: Query[] = [];
    if (ids === undefined) {
      queries.push(this.pairs.where('coll', '==', collectionId), this.pairs.where('target', '==', collectionId));
    } else {
      for (const part of chunks(ids, MAX_DISJUNCTIONS)) {
        queries.push(this.pairs.where('coll', '==', collectionId).where('from', 'in', part));
        queries.push(this.pairs.where('target', '==', collectionId).where('to', 'in', part));
      }
    }
    await this.deleteMatching(queries);
  }

  /** Removes every pair of one field (field removed from the schema). */
  async dropField(collectionId: string, fieldKey: string): Promise<void> {
    await this.deleteMatching([this.pairs.where('rel', '==', `${collectionId}/${fieldKey}`)]);
  }

  private async deleteMatching(queries: readonly Query[]): Promise<void> {
    if (queries.length === 0) return;
    const writer = newBulkWriter(this.db);
    const failures: unknown[] = [];
    try {
      for (const query of queries) {
        for await (const doc of query.select().stream()) {
          const ref = (doc as unknown as { ref: Parameters<typeof writer.delete>[0] }).ref;
          writer.delete(ref).catch((error: unknown) => failures.push(error));
        }
      }
    } finally {
      await writer.close();
    }
    if (failures.length > 0) throw failures[0];
  }
}

function plain(p: PairDoc): ReferencedItem {
  return { referringItemId: p.from, referencedItemId: p.to };
}

function asSpi(error: unknown): SpiError {
  const translated = translateError(error);
  return translated instanceof SpiError ? translated : errors.writeRefused('Firestore', 'this reference', undefined);
}

/**
 * Each written or deleted pair's answer at its position: the pair when done, `conflict`'s
 * error when the document was there (insert) or missing (remove), else the refusal.
 */
function answerOutcomes(
  outcomes: ReadonlyMap<number, Outcome>,
  references: readonly ReferencePair[],
  results: ReferenceResult[],
  conflict: (pair: ReferencePair) => SpiError,
): void {
  for (const [index, outcome] of outcomes) {
    const ref = references[index] as ReferencePair;
    const pair = { referringItemId: ref.referringItemId, referencedItemId: ref.referencedItemId };
    results[index] =
      outcome === 'done'
        ? { reference: pair }
        : outcome === 'conflict'
          ? { error: conflict(pair) }
          : { error: asSpi(outcome.refused) };
  }
}
