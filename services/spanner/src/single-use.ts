/**
 * Single-use read-only queries, the path of every read outside a
 * transaction. `database.run` streams (ExecuteStreamingSql) through the client's
 * per-call machinery — a Snapshot object, a PartialResultStream, Row objects and
 * its codec's wrappers (Int, Float, PreciseDate) — about half of what the client
 * costs per 50-item query (services/spanner/DEPLOY.md, "Runtime"). Here the same request is one
 * unary ExecuteSql through the client's own gapic `SpannerClient` (gapicClient below),
 * on a session from the client's own session factory (the multiplexed session
 * where the client uses it, its pool otherwise, a pooled one kept between queries:
 * query-sessions.ts), and the protobuf cells are decoded
 * by the result's column types (cells.ts). The answer itself is decoded by
 * result-decoder.ts, without gax's `toObject` copy of every cell (`decodingExecuteSql`).
 *
 * ExecuteSql answers at most 10 MiB ("Result set too large", FAILED_PRECONDITION)
 * and a pooled session may be gone (Spanner deletes sessions idle for an hour; an
 * emulator restarts empty): such a query answers `undefined`, and the caller runs it
 * again through the client's streaming path, which has neither limit.
 */
import { releaseRows } from '@adaptors/core';
import { type Database, Snapshot } from '@google-cloud/spanner';
import type { CellType } from './cells.ts';
import { isResultTooLarge, isSessionNotFound } from './errors.ts';
import { QuerySessions } from './query-sessions.ts';
import { cellOf, type GaxValue, type Protobuf, type ProtoResult, resultSetDecoder } from './result-decoder.ts';
import type { SpannerParamType } from './values.ts';

/** gax options of one call (deadline.ts callOptions). */
type GaxOptions = { readonly timeout?: number } & Record<string, unknown>;

/** A strong single-use read-only transaction: what `database.run` and `table.read` use. */
const SINGLE_USE = { singleUse: { readOnly: { strong: true } } };

/**
 * A query in a single-use read-only transaction through unary ExecuteSql;
 * undefined when it must be run through the streaming path instead (see above).
 */
export async function querySingleUse(
  database: Database,
  statement: {
    readonly sql: string;
    readonly params: Record<string, unknown>;
    readonly types: Record<string, SpannerParamType>;
  },
  gaxOptions: GaxOptions,
): Promise<ProtoResult | undefined> {
  const { params, paramTypes } = Snapshot.encodeParams({
    sql: statement.sql,
    params: statement.params,
    types: statement.types,
  });
  return executeSql(database, gaxOptions, (session) => ({
    session,
    sql: statement.sql,
    params,
    paramTypes,
    transaction: SINGLE_USE,
  }));
}

/** An answer as gax decodes it (where a query takes the gapic method or `database.request`). */
interface GaxResultSet {
  readonly metadata?: { readonly rowType?: { readonly fields?: readonly { name?: string; type?: CellType }[] } };
  readonly rows?: readonly { readonly values?: readonly GaxValue[] }[];
}

/** A gax-decoded answer → a result of cells, as result-decoder.ts reads one; gax's rows let go (core release.ts). */
function fromGax(answer: GaxResultSet): ProtoResult {
  const result = {
    fields: (answer.metadata?.rowType?.fields ?? []).map((f) => ({ name: f.name ?? '', type: f.type ?? {} })),
    rows: (answer.rows ?? []).map((row) => (row.values ?? []).map(cellOf)),
  };
  releaseRows(answer.rows);
  return result;
}

/** The header naming the database a call is for (the client's `CLOUD_RESOURCE_HEADER`, common.js). */
const RESOURCE_HEADER = 'google-cloud-resource-prefix';

/** What a query needs of the client's gapic `SpannerClient` (`v1.SpannerClient`). */
interface GapicSpanner {
  executeSql(request: Record<string, unknown>, options: Record<string, unknown>): Promise<unknown[]>;
}

/** The members of the `Spanner` object gapicClient reads (index.d.ts; `_metricsEnabled` is set by its constructor). */
interface SpannerInternals {
  readonly clients_: ReadonlyMap<string, unknown>;
  readonly _metricsEnabled?: boolean;
}

/**
 * The gapic `SpannerClient` the `Spanner` object built for its own calls (kept in its
 * `clients_` map by its first `request`), to send a query to directly; undefined where the
 * query must go through `database.request` instead.
 *
 * Why: for every call, `request` (@google-cloud/spanner 9.0 index.js `prepareGapicRequest_`)
 * asks the auth client for the project id through a promise, deep-copies the request and the
 * gax options (`extend(true)`), scans the request for a `{{projectId}}` token, and wraps the
 * call to add a request id to its error — work that changes nothing in a query on a session
 * the client already named. The gapic call is the same ExecuteSql with the same session,
 * headers and gax options (deadline.ts), through the same channel pool. Measured: 0.14 ms less
 * CPU per call at 200 calls/s in one process (7 of 8 rounds), 3.6% of the service's CPU per
 * 50-item query in the bench (5 of 6 rounds; packages/bench/RESULTS.md, fourteenth round).
 *
 * `request` stays the path before the client's first call (no gapic client yet, the project
 * id maybe still unknown: the database's name still holds `{{projectId}}`) and with built-in
 * metrics on (their interceptor and tracer ride on `request`: client.ts). What `request` adds
 * only with OpenTelemetry tracing on, the trace context in the headers, a direct query does not
 * carry: the service registers no tracer provider (DEPLOY.md "Runtime", Tracing).
 */
export function gapicClient(database: Database): GapicSpanner | undefined {
  const spanner = (database.parent as unknown as { parent?: SpannerInternals }).parent;
  if (!spanner || spanner._metricsEnabled) return undefined;
  if (database.formattedName_.includes('{{projectId}}')) return undefined;
  const client = spanner.clients_?.get('SpannerClient') as Partial<GapicSpanner> | undefined;
  return typeof client?.executeSql === 'function' ? (client as GapicSpanner) : undefined;
}

/**
 * One ExecuteSql: to the gapic client when there is one to use (gapicClient), through `database.request`
 * otherwise. The result's rows are the caller's alone: what the client's call objects keep is let go.
 */
async function send(
  database: Database,
  reqOpts: Record<string, unknown>,
  gaxOptions: GaxOptions,
): Promise<ProtoResult> {
  const gapic = gapicClient(database);
  if (gapic) {
    // The headers `request` would send: the client's common ones, with the database's name resolved.
    const headers = { ...database.commonHeaders_, [RESOURCE_HEADER]: database.formattedName_ };
    const decoding = decodingExecuteSql(gapic);
    if (decoding) {
      const answer = (await decoding(reqOpts, gaxOptions, headers)) as ProtoResult;
      // The client's call objects keep the answer they decoded: only the copy holds its rows now (core release.ts).
      const result = { fields: answer.fields, rows: [...answer.rows] };
      releaseRows(answer.rows);
      return result;
    }
    const [answer] = await gapic.executeSql(reqOpts, { ...gaxOptions, otherArgs: { headers } });
    return fromGax(answer as GaxResultSet);
  }
  return new Promise<ProtoResult>((resolve, reject) => {
    database.request<GaxResultSet>(
      {
        client: 'SpannerClient',
        method: 'executeSql',
        reqOpts,
        gaxOpts: gaxOptions,
        // A copy: the client adds per-call headers (trace context) to the object it is given.
        headers: { ...database.commonHeaders_ },
      },
      (error, response) => (error ? reject(error) : resolve(fromGax(response as GaxResultSet))),
    );
  });
}

/** The header the gapic method names a call's session in (spanner_client.js `executeSql`). */
const ROUTING_HEADER = 'x-goog-request-params';

/** The gapic SpannerClient's own members a decoding call is made of (set by its constructor and `initialize`). */
interface GapicInternals {
  readonly spannerStub?: Promise<GrpcStub>;
  readonly _defaults?: { readonly executeSql?: unknown };
  readonly _protos?: unknown;
  readonly _gaxModule?: {
    readonly protobuf: Protobuf;
    readonly routingHeader: { fromParams(params: Record<string, unknown>): string };
    createApiCall(
      func: Promise<UnaryCall>,
      settings: unknown,
      descriptor?: undefined,
      fallback?: boolean,
    ): (request: Record<string, unknown>, options: Record<string, unknown>) => Promise<unknown[]>;
  };
}

/** grpc-js's client stub the gapic client built (its `makeUnaryRequest`, a documented grpc-js method). */
interface GrpcStub {
  makeUnaryRequest(
    path: string,
    serialize: (value: unknown) => Buffer,
    deserialize: (bytes: Buffer) => unknown,
    argument: unknown,
    metadata: unknown,
    options: unknown,
    callback: (error: unknown, value?: unknown) => void,
  ): unknown;
}

/** A unary call as gax wraps one: (request, metadata, options, callback). */
type UnaryCall = (
  argument: unknown,
  metadata: unknown,
  options: unknown,
  callback: (error: unknown, value?: unknown) => void,
) => unknown;

/** One ExecuteSql through the decoding call: its request, gax options and headers; the decoded answer. */
type DecodingCall = (
  request: Record<string, unknown>,
  gaxOptions: GaxOptions,
  headers: Record<string, string>,
) => Promise<unknown>;

const decodingCalls = new WeakMap<object, DecodingCall | null>();

/**
 * ExecuteSql as the gapic client sends it — its stub, channel and credentials, the same gax call
 * settings (retries, timeout, headers) through gax's `createApiCall` as its own method — but with
 * the answer decoded by result-decoder.ts instead of gax's decode-then-`toObject`. Made once per
 * gapic client; null (the gapic method stays the path) when its members are not as expected.
 */
function decodingExecuteSql(gapic: GapicSpanner): DecodingCall | undefined {
  const known = decodingCalls.get(gapic);
  if (known !== undefined) return known ?? undefined;
  const { spannerStub, _defaults: defaults, _protos: protos, _gaxModule: gax } = gapic as unknown as GapicInternals;
  // Set by the client's `initialize`, which its first call runs: not decided before then.
  if (!spannerStub) return undefined;
  const method = (
    protos as { google?: { spanner?: { v1?: { Spanner?: { service?: Record<string, MethodDefinition> } } } } }
  )?.google?.spanner?.v1?.Spanner?.service?.ExecuteSql;
  const decode = gax && protos ? resultSetDecoder(gax.protobuf, protos) : undefined;
  let made: DecodingCall | null = null;
  if (defaults?.executeSql && gax && method && decode) {
    const unary = spannerStub.then(
      (stub): UnaryCall =>
        (argument, metadata, options, callback) =>
          stub.makeUnaryRequest(method.path, method.requestSerialize, decode, argument, metadata, options, callback),
    );
    const call = gax.createApiCall(unary, defaults.executeSql, undefined, false);
    made = async (request, gaxOptions, headers) => {
      const [answer] = await call(request, {
        ...gaxOptions,
        // What the gapic method adds to every ExecuteSql: the session, for Spanner's routing.
        otherArgs: {
          headers: { ...headers, [ROUTING_HEADER]: gax.routingHeader.fromParams({ session: request.session ?? '' }) },
        },
      });
      return answer;
    };
  }
  decodingCalls.set(gapic, made);
  return made ?? undefined;
}

/** A method of grpc's service definition (proto-loader's MethodDefinition). */
interface MethodDefinition {
  readonly path: string;
  readonly requestSerialize: (value: unknown) => Buffer;
}

async function executeSql(
  database: Database,
  gaxOptions: GaxOptions,
  request: (session: string) => Record<string, unknown>,
): Promise<ProtoResult | undefined> {
  const sessions = querySessions(database);
  const session = await sessions.take();
  let gone = false;
  try {
    return await send(database, request(session.formattedName_ ?? ''), gaxOptions);
  } catch (error) {
    if (isSessionNotFound(error)) {
      // The pool drops a session released with this error instead of lending it again.
      gone = true;
      sessions.drop(session, error);
      return undefined;
    }
    if (isResultTooLarge(error)) return undefined;
    throw error;
  } finally {
    if (!gone) sessions.give(session);
  }
}

const kept = new WeakMap<Database, QuerySessions>();

/** The sessions single-use queries keep on `database` (query-sessions.ts); storage close drains them. */
export function querySessions(database: Database): QuerySessions {
  let sessions = kept.get(database);
  if (!sessions) {
    sessions = new QuerySessions(database.sessionFactory_);
    kept.set(database, sessions);
  }
  return sessions;
}
