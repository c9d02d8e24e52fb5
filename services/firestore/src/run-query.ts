/**
 * Document reads through the Firestore client's own v1 gapic client
 * (`v1.FirestoreClient.runQuery`), below its Query/DocumentSnapshot layer: the
 * request compiled by structured-query.ts, the documents decoded by
 * proto-documents.ts. Same transport, RPC and request as the client's
 * `Query.get()`; about a fifth less CPU per 50-document query
 * (packages/bench/RESULTS.md).
 *
 * What the client adds around that RPC, repeated here:
 * - the `google-cloud-resource-prefix` header naming the database, on every call;
 * - against the emulator (FIRESTORE_EMULATOR_HOST), an insecure channel and the
 *   `Authorization: Bearer owner` header the emulator reads as an admin;
 * - its gRPC channel options, the gapic `clientConfig` of deadline.ts (each
 *   RPC's deadline is the call's) and gax's retries of streams by code only;
 * - retries of a query that failed with a code its config marks retryable for
 *   RunQuery (DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE), up to 5 attempts with
 *   backoff, never past the call's deadline. A read is idempotent, so a retry
 *   runs the whole request again and drops what the failed attempt streamed.
 */
import { currentDeadline } from '@adaptors/core';
import type { v1 } from '@google-cloud/firestore';
import type { GrpcClient } from 'google-gax';
import type { ProtoDocument } from './proto-documents.ts';
import { type JsonNamespace, type Protobuf, runQueryResponseDecoder } from './response-decoder.ts';
import type { RunQueryRequest } from './structured-query.ts';

/** The narrow seam the executor reads through: one request, its documents in order. */
export type RunQuery = (request: RunQueryRequest) => Promise<ProtoDocument[]>;

/** What a gapic runQuery call needs of the client: a stream of responses. */
export interface RunQueryClient {
  runQuery(request: RunQueryRequest, options: object): ResponseStream;
}

/** The gapic call's stream (a Node Duplex), as far as documentsOf reads it. */
interface ResponseStream {
  on(event: 'data', listener: (response: { document?: ProtoDocument | null }) => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
}

/**
 * The documents of one RunQuery stream, in order. Read in flowing mode ('data' events), not
 * with `for await`: the async iterator makes a promise and a tick per response, one response
 * per document. A stream that closes before its end without an error (destroyed) rejects.
 */
function documentsOf(stream: ResponseStream): Promise<ProtoDocument[]> {
  return new Promise((resolve, reject) => {
    const documents: ProtoDocument[] = [];
    stream.on('data', (response) => {
      if (response.document) documents.push(response.document);
    });
    stream.on('error', reject);
    stream.on('end', () => resolve(documents));
    stream.on('close', () => reject(new Error('the RunQuery stream closed before its end')));
  });
}

/** RunQuery's retry codes in the client's gapic config: DEADLINE_EXCEEDED, INTERNAL, UNAVAILABLE. */
const RETRY_CODES = new Set([4, 13, 14]);
const MAX_ATTEMPTS = 5;
const FIRST_BACKOFF_MS = 100;
const BACKOFF_FACTOR = 1.3;

export function gapicRunQuery(client: RunQueryClient, databasePath: string, headers: object = {}): RunQuery {
  const options = { otherArgs: { headers: { 'google-cloud-resource-prefix': databasePath, ...headers } } };
  return async (request) => {
    let backoff = FIRST_BACKOFF_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await documentsOf(client.runQuery(request, options));
      } catch (error) {
        const code = (error as { code?: unknown } | null)?.code;
        const deadline = currentDeadline();
        const retryable = typeof code === 'number' && RETRY_CODES.has(code) && attempt < MAX_ATTEMPTS;
        if (!retryable || deadline?.expired || (deadline && deadline.remainingMs() < backoff)) throw error;
        await new Promise((resolve) => setTimeout(resolve, backoff));
        backoff *= BACKOFF_FACTOR;
      }
    }
  };
}

/** The gapic client's settings for the same database and endpoint as the Firestore client's. */
export interface GapicSettings {
  /** Unset: the gapic client resolves it as the Firestore client does (documentReader). */
  readonly projectId?: string | undefined;
  readonly databaseId: string;
  /** deadline.ts firestoreDeadlineSettings: the gapic clientConfig, the channel's options, gax's stream retries. */
  readonly clientConfig: object;
  readonly grpcOptions: object;
  readonly gaxServerStreamingRetries: boolean;
  /** FIRESTORE_EMULATOR_HOST (host:port), when set. */
  readonly emulatorHost?: string | undefined;
}

/** The members of google-gax the reader uses (its whole module is handed to the gapic client). */
export interface GaxModule {
  readonly GrpcClient: typeof GrpcClient;
  readonly protobuf: Protobuf;
  readonly grpc: { credentials: { createInsecure(): unknown } };
}

/** The two CommonJS modules a gapic client is made from: the client's `v1.FirestoreClient` and google-gax. */
export interface GapicModules {
  readonly FirestoreClient: typeof v1.FirestoreClient;
  readonly gax: GaxModule;
}

/** A grpc-js service client constructor as gax's loadProtoJSON gives it, with its service definition. */
interface ServiceClientConstructor {
  readonly service: Record<string, object>;
}

/**
 * google-gax as the reader's gapic client is given it (the documented second
 * argument of a gapic client's constructor): the same module, except that its
 * GrpcClient's `loadProtoJSON` gives the Firestore service a RunQuery whose
 * responses are decoded by response-decoder.ts (protobufjs alone) instead of
 * gax's decode-then-`toObject`. The package itself is gax's, cached and shared
 * with the Firestore client's own gapic client; only the service constructor
 * is made anew (grpc-js `makeClientConstructor`), with every other method as it was.
 */
function decodingGax(module: GaxModule): GaxModule {
  class DecodingGrpcClient extends module.GrpcClient {
    override loadProtoJSON(json: Parameters<GrpcClient['loadProtoJSON']>[0], ignoreCache?: boolean) {
      const loaded = super.loadProtoJSON(json, ignoreCache);
      // The client loads other packages through the same GrpcClient too (google.cloud.location).
      const api = (loaded as { google?: { firestore?: { v1?: { Firestore?: ServiceClientConstructor } } } }).google
        ?.firestore?.v1;
      if (!api?.Firestore) return loaded;
      const service = api.Firestore.service;
      const Firestore = this.grpc.makeClientConstructor(
        {
          ...service,
          RunQuery: {
            ...service.RunQuery,
            responseDeserialize: runQueryResponseDecoder(module.protobuf, json as JsonNamespace),
          },
        } as unknown as Parameters<GrpcClient['grpc']['makeClientConstructor']>[0],
        'google.firestore.v1.Firestore',
      );
      const google = loaded.google as { firestore: object };
      return { ...loaded, google: { ...google, firestore: { ...google.firestore, v1: { ...api, Firestore } } } };
    }
  }
  return { ...module, GrpcClient: DecodingGrpcClient };
}

/**
 * A v1 FirestoreClient as the Firestore client builds its own (its
 * `clientFactory`): the channel options it sets, an insecure channel and the
 * emulator's admin header against the emulator.
 */
function openGapicClient(
  { FirestoreClient, gax: module }: GapicModules,
  settings: GapicSettings,
): { client: InstanceType<typeof v1.FirestoreClient>; headers: Record<string, string> } {
  const grpcOptions = {
    'grpc-node.flow_control_window': 256 * 1024,
    'grpc.use_local_subchannel_pool': 1,
    ...settings.grpcOptions,
  };
  const base = {
    ...(settings.projectId ? { projectId: settings.projectId } : {}),
    clientConfig: settings.clientConfig,
    gaxServerStreamingRetries: settings.gaxServerStreamingRetries,
    ...grpcOptions,
    grpcOptions,
  };
  // The constructor types its second argument as the whole google-gax module: decodingGax gives that module back with one member replaced.
  const gaxInstance = decodingGax(module) as ConstructorParameters<typeof v1.FirestoreClient>[1];
  if (!settings.emulatorHost) return { client: new FirestoreClient(base, gaxInstance), headers: {} };
  const url = new URL(`http://${settings.emulatorHost}`);
  const client = new FirestoreClient(
    {
      ...base,
      servicePath: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      sslCreds: module.grpc.credentials.createInsecure(),
    } as ConstructorParameters<typeof v1.FirestoreClient>[0],
    gaxInstance,
  );
  return { client, headers: { Authorization: 'Bearer owner' } };
}

/** Document reads of one database through its gapic client (the executor's seam). */
export interface DocumentReader {
  /** The database's project and id: request parents and document references name them. */
  database(): Promise<{ readonly projectId: string; readonly databaseId: string }>;
  readonly runQuery: RunQuery;
  close(): Promise<void>;
}

/**
 * A DocumentReader over a gapic client made on its first read. Without a
 * configured project the client resolves it as the Firestore client does its
 * own: the gapic client's getProjectId (GOOGLE_CLOUD_PROJECT, credentials,
 * metadata server).
 */
export function documentReader(modules: GapicModules, settings: GapicSettings): DocumentReader {
  const open = () => openGapicClient(modules, settings);
  let opened: ReturnType<typeof open> | undefined;
  let run: RunQuery | undefined;
  let project: Promise<string> | undefined;
  const client = () => {
    opened ??= open();
    return opened;
  };
  return {
    database: async () => {
      project ??= settings.projectId ? Promise.resolve(settings.projectId) : client().client.getProjectId();
      return { projectId: await project, databaseId: settings.databaseId };
    },
    runQuery: (request) => {
      const { client: gapic, headers } = client();
      run ??= gapicRunQuery(gapic as unknown as RunQueryClient, request.parent.replace(/\/documents$/, ''), headers);
      return run(request);
    },
    close: async () => {
      if (opened) await opened.client.close();
    },
  };
}
