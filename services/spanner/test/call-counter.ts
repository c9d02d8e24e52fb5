/**
 * Counts the calls the storage makes on the REAL client (no mock: every call
 * goes through to the emulator), so tests can assert round trips per request.
 */
import type { Database } from '@google-cloud/spanner';

export interface CallCounts {
  transactions: number;
  reads: number;
  commits: number;
  dml: number;
  queries: number;
  partitionedDml: number;
}

export function countingDatabase(database: Database): {
  database: Database;
  counts: CallCounts;
  /** SQL text of every query (`run`, or unary ExecuteSql through `request`: src/single-use.ts), in order. */
  statements: string[];
  reset(): void;
} {
  const counts: CallCounts = { transactions: 0, reads: 0, commits: 0, dml: 0, queries: 0, partitionedDml: 0 };
  const statements: string[] = [];
  const countTx = <T extends object>(tx: T): T =>
    new Proxy(tx, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (property === 'read') counts.reads++;
          if (property === 'commit') counts.commits++;
          if (property === 'runUpdate') counts.dml++;
          return value.apply(target, args);
        };
      },
    });
  const proxy = new Proxy(database, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      if (property === 'runTransactionAsync') {
        // (run) or (options, run): the storage passes the call's deadline as options (src/deadline.ts).
        return (...args: unknown[]) => {
          counts.transactions++;
          const run = args.pop() as (tx: object) => Promise<unknown>;
          return value.call(target, ...args, (tx: object) => run(countTx(tx)));
        };
      }
      return (...args: unknown[]) => {
        if (property === 'run') {
          counts.queries++;
          const sql = (args[0] as { sql?: unknown } | undefined)?.sql;
          if (typeof sql === 'string') statements.push(sql);
        }
        if (property === 'request') {
          // Unary ExecuteSql (src/single-use.ts) is a query.
          const { method, reqOpts } = (args[0] ?? {}) as { method?: unknown; reqOpts?: { sql?: unknown } };
          if (method === 'executeSql') {
            counts.queries++;
            if (typeof reqOpts?.sql === 'string') statements.push(reqOpts.sql);
          }
        }
        if (property === 'runPartitionedUpdate') counts.partitionedDml++;
        return value.apply(target, args);
      };
    },
  });
  return {
    database: proxy,
    counts,
    statements,
    reset() {
      for (const key of Object.keys(counts) as (keyof CallCounts)[]) counts[key] = 0;
      statements.length = 0;
    },
  };
}
