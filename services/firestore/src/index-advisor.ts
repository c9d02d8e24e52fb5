/**
 * What the service remembers about composite indexes production Firestore
 * asked for (README.md "Indexes"): per index (the first query shape that
 * needs it), one WARNING log line with the exact index, its `gcloud` command
 * and the console link; the hints for
 * `storage.diagnostics()` (what a status page shows); with the Admin API
 * (FIRESTORE_MANAGE_INDEXES=true) the missing index is created once; and
 * while it is missing, the shape is answered by the bounded scan and the
 * pushed query is retried at most once per `recheckMs` — the first success
 * switches the shape back to the index.
 *
 * Per instance and in memory: every instance warns once per shape, and a new
 * instance learns again from the first refusal (one cheap failed query).
 */
import type { IndexHint, Logger } from '@adaptors/core';
import { indexLinkOf } from './errors.ts';
import { describeIndex, gcloudCommand, type IndexFieldSpec, indexKey, type RequiredIndex } from './index-rule.ts';

export interface IndexAdvisorOptions {
  readonly logger: Logger;
  readonly project?: string | undefined;
  readonly database?: string | undefined;
  /** Creates a composite index through the Admin API; undefined when indexes are not managed. */
  readonly create?: ((collectionId: string, fields: readonly IndexFieldSpec[]) => Promise<void>) | undefined;
  /** How often a shape answered by the scan tries its pushed query again. */
  readonly recheckMs?: number;
  readonly now?: () => number;
}

/** A query shape seen refused: which indexes it needs, and when it last tried its pushed query. */
interface Shape {
  readonly collectionId: string;
  readonly indexKeys: readonly string[];
  missing: boolean;
  lastTry: number;
}

/** One composite index asked for (per collection and fields): what the owner sees. */
interface Needed {
  readonly collectionId: string;
  readonly index: RequiredIndex;
  readonly link: string | undefined;
  readonly firstSeen: Date;
  state: IndexHint['state'];
  fallbacks: number;
  problem?: string;
}

export class IndexAdvisor {
  private readonly shapes = new Map<string, Shape>();
  private readonly needed = new Map<string, Needed>();
  private readonly recheckMs: number;
  private readonly now: () => number;

  constructor(private readonly options: IndexAdvisorOptions) {
    this.recheckMs = options.recheckMs ?? 60_000;
    this.now = options.now ?? Date.now;
  }

  /** False while the shape's index is known missing and no recheck is due: go straight to the scan. */
  shouldPush(key: string): boolean {
    const shape = this.shapes.get(key);
    if (!shape?.missing) return true;
    if (this.now() - shape.lastTry < this.recheckMs) return false;
    shape.lastTry = this.now();
    return true;
  }

  /** The pushed query of the shape succeeded: its indexes are there (again). */
  pushed(key: string): void {
    const shape = this.shapes.get(key);
    if (!shape?.missing) return;
    shape.missing = false;
    for (const indexKey of shape.indexKeys) {
      const needed = this.needed.get(indexKey);
      if (!needed || needed.state === 'IN_USE') continue;
      needed.state = 'IN_USE';
      this.options.logger.log(
        'NOTICE',
        `Firestore now answers queries on '${needed.collectionId}' with the composite index (${describeIndex(needed.index.fields)}); the scan fallback stopped.`,
        { collectionId: needed.collectionId, index: describeIndex(needed.index.fields) },
      );
    }
  }

  /**
   * Production refused the shape's pushed query for a missing index: remember
   * the shape; for each index not seen before, warn once and create it when
   * indexes are managed.
   */
  async missing(key: string, collectionId: string, indexes: readonly RequiredIndex[], error: unknown): Promise<void> {
    const link = indexLinkOf(error);
    // A shape the rule thinks needs no composite index still gets one entry, named by Firestore's link.
    const keys =
      indexes.length > 0
        ? indexes.map((i) => `${collectionId}\u0000${indexKey(i.fields)}`)
        : [`${collectionId}\u0000${key}`];
    this.shapes.set(key, { collectionId, indexKeys: keys, missing: true, lastTry: this.now() });
    for (const [i, indexId] of keys.entries()) {
      const known = this.needed.get(indexId);
      if (known) {
        if (known.state === 'IN_USE') known.state = 'MISSING';
        continue;
      }
      const index = indexes[i] ?? { fields: [], equalities: 0 };
      const needed: Needed = {
        collectionId,
        index,
        link,
        firstSeen: new Date(this.now()),
        state: 'MISSING',
        fallbacks: 0,
      };
      this.needed.set(indexId, needed);
      await this.warnAndCreate(needed);
    }
  }

  private async warnAndCreate(needed: Needed): Promise<void> {
    const { collectionId, index, link } = needed;
    const known = index.fields.length > 0;
    const command = known ? this.command(collectionId, index) : undefined;
    const create = known ? this.options.create : undefined;
    this.options.logger.log(
      'WARNING',
      `Firestore has no composite index for a query on '${collectionId}': such queries are answered by a bounded ` +
        'scan (FIRESTORE_SCAN_LIMIT) until the index exists. ' +
        (known ? `Index: (${describeIndex(index.fields)}). ` : '') +
        (create
          ? 'The adaptor is creating it through the Admin API (FIRESTORE_MANAGE_INDEXES=true).'
          : `Create it${command ? ` with: ${command}` : ''}${link ? `${command ? ' or' : ''} in the console: ${link}` : ''}`),
      {
        collectionId,
        ...(known ? { index: describeIndex(index.fields), gcloud: command } : {}),
        ...(link ? { consoleLink: link } : {}),
      },
    );
    if (!create) return;
    try {
      await create(collectionId, index.fields);
      needed.state = 'CREATING';
    } catch (problem) {
      needed.problem = (problem as { message?: unknown })?.message?.toString() ?? String(problem);
      this.options.logger.log(
        'WARNING',
        `The adaptor could not create the composite index (${describeIndex(index.fields)}) on '${collectionId}' through ` +
          `the Admin API: grant the service account roles/datastore.indexAdmin, or create it yourself: ${command}`,
        { collectionId, reason: needed.problem },
      );
    }
  }

  /** Counts a query answered by the scan; returns the cause named in a scan-bound error. */
  fellBack(key: string): string {
    const shape = this.shapes.get(key);
    const needed = (shape?.indexKeys ?? []).flatMap((k) => this.needed.get(k) ?? []);
    for (const n of needed) n.fallbacks += 1;
    const named = needed.filter((n) => n.index.fields.length > 0);
    if (named.length === 0) {
      return `the query needs a composite index Firestore does not have yet${needed[0]?.link ? ` (create it: ${needed[0].link})` : ''}`;
    }
    return (
      `the query needs the composite index ${named.map((n) => `(${describeIndex(n.index.fields)})`).join(' and ')} ` +
      `on '${named[0]?.collectionId}', which does not exist yet (create it: ` +
      `${named.map((n) => this.command(n.collectionId, n.index)).join(' ; ')})`
    );
  }

  /** One hint per composite index asked for, for diagnostics (a status page). */
  hints(): IndexHint[] {
    return [...this.needed.values()].map((n) => ({
      collectionId: n.collectionId,
      fields: n.index.fields.length > 0 ? describeIndex(n.index.fields) : 'named by the console link',
      command: n.index.fields.length > 0 ? this.command(n.collectionId, n.index) : (n.link ?? ''),
      ...(n.link ? { link: n.link } : {}),
      state: n.state,
      firstSeen: n.firstSeen.toISOString(),
      fallbacks: n.fallbacks,
      ...(n.problem ? { problem: n.problem } : {}),
    }));
  }

  private command(collectionId: string, index: RequiredIndex): string {
    return gcloudCommand(collectionId, index.fields, {
      project: this.options.project,
      database: this.options.database,
    });
  }
}
