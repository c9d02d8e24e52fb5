/**
 * One schema truth across instances (docs in packages/core/SCALING.md): the
 * pieces every storage's schema cache uses to notice changes made by another
 * instance of the same service.
 *
 * - A schema *version* token stored in the database (Spanner: a row of the
 *   metadata table; Firestore: a document of the metadata collection;
 *   BigQuery: a dataset label), replaced by a fresh random token after every
 *   schema change made through the adaptor. Random tokens need no
 *   read-modify-write: any new value means "changed".
 * - `SchemaVersionGate`: reads that token at most once per `checkMs` (all
 *   callers in that window share the read), so the cost on the hot path is one
 *   small read per instance per interval, not per request. `checkMs` 0 reads
 *   it for every caller (callers arriving while a read is under way that
 *   started after them share it).
 * - `RereadThrottle`: a miss (unknown collection or field) re-reads the
 *   catalog before answering NOT_FOUND, but such re-reads start at most once
 *   per `gapMs`; misses inside the window wait for the next turn and share it,
 *   so a storm of bad ids costs a few catalog reads a second, never one each.
 *
 * Order that makes this correct: a loader reads the version *before* the
 * catalog, and a writer bumps it *after* its change is complete. A snapshot
 * stamped with token t then holds every change whose bump produced t.
 */
import { randomBytes } from 'node:crypto';

/** A fresh version token: 16 lowercase hex characters (valid as a BigQuery label value too). */
export function newSchemaToken(): string {
  return randomBytes(8).toString('hex');
}

interface Check {
  readonly startedAt: number;
  readonly promise: Promise<string | undefined>;
}

export class SchemaVersionGate {
  #confirmed: { readonly startedAt: number; readonly version: string | undefined } | undefined;
  #inFlight: Check | undefined;
  #queued: Promise<string | undefined> | undefined;
  private readonly read: () => Promise<string | undefined>;
  private readonly checkMs: number;

  constructor(read: () => Promise<string | undefined>, checkMs: number) {
    this.read = read;
    this.checkMs = checkMs;
  }

  /** The stored version as of no earlier than `checkMs` before this call. */
  current(): Promise<string | undefined> {
    const asked = performance.now();
    const inFlight = this.#inFlight;
    if (this.checkMs > 0) {
      const oldest = asked - this.checkMs;
      const confirmed = this.#confirmed;
      if (confirmed && confirmed.startedAt >= oldest) return Promise.resolve(confirmed.version);
      if (inFlight && inFlight.startedAt >= oldest) return inFlight.promise;
      return this.check();
    }
    // Every caller needs a read that starts after it arrived: callers arriving while one runs share the next.
    if (!inFlight) return this.check();
    if (!this.#queued) {
      const queued = inFlight.promise
        .catch(() => {})
        .then(() => {
          if (this.#queued === queued) this.#queued = undefined;
          return this.check();
        });
      this.#queued = queued;
    }
    return this.#queued;
  }

  /**
   * The version confirmed within `checkMs`, without reading; undefined when a caller now would
   * need a read (none confirmed recently, or `checkMs` 0). A storage that can read the version
   * in one snapshot with its catalog does so then, and reports it with `observe`.
   */
  recent(): { readonly version: string | undefined } | undefined {
    const confirmed = this.#confirmed;
    if (this.checkMs <= 0 || !confirmed || confirmed.startedAt < performance.now() - this.checkMs) return undefined;
    return { version: confirmed.version };
  }

  /** A version the caller read itself, in a read that started at `startedAt` (performance.now()). */
  observe(startedAt: number, version: string | undefined): void {
    if (!this.#confirmed || this.#confirmed.startedAt <= startedAt) this.#confirmed = { startedAt, version };
  }

  /** Reads the version now (a load about to read the catalog needs a version read before it). */
  check(): Promise<string | undefined> {
    const startedAt = performance.now();
    const promise = this.read().then((version) => {
      this.observe(startedAt, version);
      return version;
    });
    const check: Check = { startedAt, promise };
    this.#inFlight = check;
    promise
      .finally(() => {
        if (this.#inFlight === check) this.#inFlight = undefined;
      })
      .catch(() => {});
    return promise;
  }

  /** After this instance wrote `version` itself: no need to read it back. */
  remember(version: string): void {
    this.#confirmed = { startedAt: performance.now(), version };
  }
}

export class RereadThrottle {
  #lastStart = Number.NEGATIVE_INFINITY;
  #next: Promise<void> | undefined;
  private readonly gapMs: number;

  constructor(gapMs: number) {
    this.gapMs = gapMs;
  }

  /** Resolves when a re-read may start; callers waiting for the same turn share it. */
  turn(): Promise<void> {
    if (this.#next) return this.#next;
    const now = performance.now();
    const at = this.#lastStart + this.gapMs;
    if (now >= at) {
      this.#lastStart = now;
      return Promise.resolve();
    }
    this.#lastStart = at;
    const next = new Promise<void>((resolve) => setTimeout(resolve, at - now)).then(() => {
      this.#next = undefined;
    });
    this.#next = next;
    return next;
  }
}

/** Miss re-reads start at most this often per instance (see RereadThrottle). */
export const MISS_REREAD_GAP_MS = 100;
