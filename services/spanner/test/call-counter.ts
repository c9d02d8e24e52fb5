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
        if (property === 'runPartitionedUpdate') counts.partitionedDml++;
        return value.apply(target, args);
      };
    },
  });
  // Unary ExecuteSql (src/single-use.ts) is a query, counted where its paths end: the gapic
  // client's executeSql (`database.request` calls it too) and its stub's makeUnaryRequest.
  onExecuteSql(database, (sql) => {
    counts.queries++;
    statements.push(sql);
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

type ExecuteSql = (request: { session?: unknown; sql?: unknown }, ...rest: unknown[]) => unknown;
/** grpc-js's Client method the decoding call sends through: (path, serialize, deserialize, request, metadata, options, callback). */
interface UnaryStub {
  makeUnaryRequest(
    path: string,
    serialize: unknown,
    deserialize: unknown,
    request: unknown,
    ...rest: unknown[]
  ): unknown;
}
interface ClientMap {
  get(name: string): unknown;
}
/** Per `Spanner` object (its `clients_` map): what to tell of each ExecuteSql, by session name prefix. */
const executeSqlListeners = new WeakMap<ClientMap, Map<string, (sql: string) => void>>();

/**
 * Calls `listener` with the SQL of every ExecuteSql sent for `database`, through the client's own
 * gapic SpannerClient: the one its `clients_` map hands `database.request` and src/single-use.ts.
 * The client object is wrapped when first handed out, so calls made before and after count alike.
 */
function onExecuteSql(database: Database, listener: (sql: string) => void): void {
  const spanner = (database.parent as unknown as { parent: { clients_: ClientMap } }).parent;
  const clients = spanner.clients_;
  let listeners = executeSqlListeners.get(clients);
  if (!listeners) {
    const byPrefix = new Map<string, (sql: string) => void>();
    listeners = byPrefix;
    executeSqlListeners.set(clients, byPrefix);
    const wrapped = new WeakSet<object>();
    const tellAll = (request: { session?: unknown; sql?: unknown } | undefined) => {
      const session = typeof request?.session === 'string' ? request.session : '';
      for (const [prefix, tell] of byPrefix) {
        if (session.startsWith(prefix) && typeof request?.sql === 'string') tell(request.sql);
      }
    };
    const get = clients.get.bind(clients);
    clients.get = (name: string) => {
      const client = get(name) as { executeSql?: ExecuteSql } | undefined;
      // The decoding call of src/single-use.ts sends through the client's stub (`makeUnaryRequest`),
      // not its executeSql: observed there too (the gapic method's own calls do not look it up).
      const stub = (client as { spannerStub?: Promise<UnaryStub> } | undefined)?.spannerStub;
      if (name === 'SpannerClient' && stub && !wrapped.has(stub)) {
        wrapped.add(stub);
        void stub.then((grpcStub) => {
          const makeUnaryRequest = grpcStub.makeUnaryRequest;
          grpcStub.makeUnaryRequest = function (this: unknown, path, serialize, deserialize, request, ...rest) {
            if (path.endsWith('/ExecuteSql')) tellAll(request as { session?: unknown; sql?: unknown });
            return makeUnaryRequest.call(this, path, serialize, deserialize, request, ...rest);
          };
        });
      }
      if (name === 'SpannerClient' && client?.executeSql && !wrapped.has(client)) {
        wrapped.add(client);
        const executeSql = client.executeSql;
        client.executeSql = (request, ...rest) => {
          tellAll(request);
          return executeSql.call(client, request, ...rest);
        };
      }
      return client;
    };
  }
  listeners.set(`${database.formattedName_}/sessions/`, listener);
}
