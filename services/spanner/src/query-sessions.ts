/**
 * Pooled sessions kept between single-use queries (single-use.ts), so a query on
 * an instance under load takes the session the previous query just finished with
 * instead of asking the client's session pool again.
 *
 * Why: the pool's `_acquire` (@google-cloud/spanner 9.0 session-pool.js) captures
 * the caller's whole stack on every borrow (`stack-trace`'s `get`, with
 * `Error.stackTraceLimit = Infinity`, for its leak report), queues the borrow and
 * builds a Transaction object for it; in a `--cpu-prof` of the bench's 50-item
 * query that was ~3.5% of the service's CPU, and keeping sessions here made the
 * query ~8% cheaper in an A/B (packages/bench/RESULTS.md, twenty-third round).
 *
 * Only pooled sessions are kept: a multiplexed session (the client's default
 * against Spanner) serves any number of queries at once and its `release` is a
 * no-op, so it is taken from the client every time. Pooled sessions are what the
 * client lends when multiplexed sessions are off: on the emulator, which has none
 * (docs/engines.md §2), or where GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS=false.
 *
 * A kept session is one query's at a time, as a pooled session must be (Spanner
 * runs one transaction per session). Kept sessions stay borrowed in the pool's
 * eyes, so they are bounded (`keep`) and handed back when load falls: every
 * `sweepMs`, as many sessions as lay unused here the whole period (the period's
 * low-water mark) go back to the pool, where writes and the pool's keep-alive
 * pings find them. `drain` hands back all of them (storage close, before the
 * pool is closed, so none reads as leaked). A session Spanner no longer knows
 * (deleted after an hour idle; an emulator restarted empty) is dropped with its
 * error, and the others are handed back too: they are most likely gone as well,
 * and the pool's own paths recover from that.
 */
import type { Session } from '@google-cloud/spanner';

/** What is used of the client's session factory (`database.sessionFactory_`). */
export interface SessionSource {
  getSession(callback: (error: Error | null, session?: Session | null) => void): void;
  release(session: Session): void;
}

export interface QuerySessionsOptions {
  /** Most sessions kept at once (the pool lends 100 by default: the rest stay for writes and streams). */
  readonly keep?: number;
  /** How often sessions unused for a whole period go back to the pool. */
  readonly sweepMs?: number;
}

export const QUERY_SESSIONS_KEEP = 32;
export const QUERY_SESSIONS_SWEEP_MS = 1000;

export class QuerySessions {
  private readonly source: SessionSource;
  private readonly keep: number;
  private readonly sweepMs: number;
  /** Kept sessions, the most recently used last (taken from the end, swept from the start). */
  private readonly idle: Session[] = [];
  /** The fewest sessions `idle` held since the last sweep: that many lay unused the whole period. */
  private lowWater = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(source: SessionSource, options: QuerySessionsOptions = {}) {
    this.source = source;
    this.keep = options.keep ?? QUERY_SESSIONS_KEEP;
    this.sweepMs = options.sweepMs ?? QUERY_SESSIONS_SWEEP_MS;
  }

  /** How many sessions are kept now. */
  get size(): number {
    return this.idle.length;
  }

  /** A session for one query: a kept one, or the client's. */
  take(): Promise<Session> {
    const kept = this.idle.pop();
    if (kept) {
      this.lowWater = Math.min(this.lowWater, this.idle.length);
      return Promise.resolve(kept);
    }
    return new Promise<Session>((resolve, reject) => {
      this.source.getSession((error, got) => (error || !got ? reject(error ?? new Error('No session')) : resolve(got)));
    });
  }

  /** The query is over: its session is kept for the next one, or handed back. */
  give(session: Session): void {
    if (session.metadata?.multiplexed || this.idle.length >= this.keep) {
      this.source.release(session);
      return;
    }
    this.idle.push(session);
    this.timer ??= setInterval(() => this.sweep(), this.sweepMs).unref();
  }

  /** Spanner no longer knows this session: the pool drops it (its error says why), and the kept ones go back. */
  drop(session: Session, error: unknown): void {
    session.lastError = error as Session['lastError'];
    this.source.release(session);
    this.drain();
  }

  /** Hands every kept session back to the pool. */
  drain(): void {
    for (const session of this.idle.splice(0)) this.source.release(session);
    this.lowWater = 0;
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Hands back the sessions that lay unused since the last sweep (the timer's work; a test calls it itself). */
  sweep(): void {
    for (const session of this.idle.splice(0, this.lowWater)) this.source.release(session);
    this.lowWater = this.idle.length;
    if (this.idle.length === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
