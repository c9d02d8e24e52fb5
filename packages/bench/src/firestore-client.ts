/**
 * CPU of the Firestore client's read paths, without the adaptor around them:
 * what one 50-document query costs the process (process.cpuUsage) through each
 * documented path of @google-cloud/firestore, on a fresh emulator, each path in
 * its own child process so no collector or JIT state is shared. It decides the
 * client settings of services/firestore (DEPLOY.md "Runtime"): the emulator's
 * speed, which sets the service's requests per second in `npm run bench`, does
 * not enter these figures.
 *
 *   node dist/firestore-client.js [--queries 400] [--concurrency 10] [--rounds 2] [--paths grpc,rest]
 *
 * Paths: `grpc` (the service's: select() of the declared fields, ordered by
 * id, get(), data()), `grpc-whole` (the same without select(): every document
 * also carries the storage format's `$wix` map), `grpc-1` (one document: the
 * fixed cost of a call), `rest` (`preferRest: true`: JSON over HTTP/1.1 through
 * google-gax's fallback), `gapic` (the client's own v1 FirestoreClient.runQuery,
 * below the Firestore layer, values decoded from the protobuf objects).
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { localEngines } from '@adaptors/testkit';
import firestorePackage, { type Firestore as FirestoreClient } from '@google-cloud/firestore';

const { Firestore, FieldPath, v1 } = firestorePackage;

const { values } = parseArgs({
  options: {
    queries: { type: 'string', default: '400' },
    concurrency: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '2' },
    /** Comma-separated: only these paths. */
    paths: { type: 'string' },
    /** Internal: run one path in this process against FIRESTORE_EMULATOR_HOST. */
    path: { type: 'string' },
    seed: { type: 'boolean', default: false },
  },
});

const PROJECT = 'bench-client';
const COLLECTION = 'plants';
const FIELDS = ['commonName', 'family', 'heightCm', 'perennial', 'tags', '_createdDate', '_updatedDate', '_owner'];
const PATHS = ['grpc', 'grpc-whole', 'grpc-1', 'rest', 'gapic'] as const;

/** google-auth-library as the client resolves it: against the emulator, REST needs an auth client that adds nothing. */
function passThroughAuth(): unknown {
  const fromClient = createRequire(createRequire(import.meta.url).resolve('@google-cloud/firestore'));
  const { PassThroughClient } = fromClient('google-auth-library') as { PassThroughClient: new () => unknown };
  return new PassThroughClient();
}

function client(rest: boolean): FirestoreClient {
  return new Firestore({
    projectId: PROJECT,
    ignoreUndefinedProperties: true,
    useBigInt: true,
    ...(rest ? { preferRest: true, authClient: passThroughAuth() } : {}),
  } as ConstructorParameters<typeof Firestore>[0]);
}

/** 1,000 documents shaped like the adaptor's storage format (services/firestore/src/format.ts): fields plus the `$wix` map. */
async function seed(): Promise<void> {
  const db = client(false);
  const writer = db.bulkWriter();
  for (let i = 0; i < 1000; i++) {
    const commonName = `Plant ${i}`;
    const trigrams = Object.fromEntries(['pla', 'lan', 'ant', 'nt ', `t ${i % 10}`].map((t) => [t, true]));
    void writer.set(db.collection(COLLECTION).doc(`plant-${String(i).padStart(6, '0')}`), {
      commonName,
      family: ['Lamiaceae', 'Rosaceae', 'Solanaceae'][i % 3],
      heightCm: i % 200,
      perennial: i % 2 === 0,
      tags: ['herb', 'culinary'].slice(0, i % 3),
      _createdDate: new Date(),
      _updatedDate: new Date(),
      _owner: null,
      $wix: { lc: { commonName: commonName.toLowerCase() }, tri: { commonName: trigrams } },
    });
  }
  await writer.close();
  await db.terminate();
}

type Plain = Record<string, unknown>;

/** A protobuf Value object (as google-gax hands it out) → a plain value. */
function decodeValue(value: Plain): unknown {
  switch (value.valueType) {
    case 'integerValue':
      return Number(value.integerValue);
    case 'timestampValue': {
      const t = value.timestampValue as { seconds: string; nanos: number };
      return new Date(Number(t.seconds) * 1000 + Math.floor(t.nanos / 1e6));
    }
    case 'arrayValue':
      return ((value.arrayValue as { values?: Plain[] }).values ?? []).map(decodeValue);
    case 'mapValue':
      return decodeFields((value.mapValue as { fields?: Record<string, Plain> }).fields);
    case 'nullValue':
      return null;
    default:
      return value[value.valueType as string];
  }
}

function decodeFields(fields: Record<string, Plain> | undefined): Plain {
  const out: Plain = {};
  for (const key in fields) out[key] = decodeValue(fields[key] as Plain);
  return out;
}

function plain(data: Plain): Plain {
  const out: Plain = {};
  for (const key in data) {
    const v = data[key];
    out[key] =
      typeof v === 'bigint'
        ? Number(v)
        : v && typeof (v as { toDate?: unknown }).toDate === 'function'
          ? (v as { toDate(): Date }).toDate()
          : v;
  }
  return out;
}

function queryOf(path: string): () => Promise<Plain[]> {
  if (path === 'gapic') {
    const [host, port] = (process.env.FIRESTORE_EMULATOR_HOST ?? '').split(':');
    const grpc = createRequire(createRequire(import.meta.url).resolve('@google-cloud/firestore'))('google-gax').grpc;
    const gapic = new v1.FirestoreClient({
      servicePath: host,
      port: Number(port),
      sslCreds: grpc.credentials.createInsecure(),
      customHeaders: { Authorization: 'Bearer owner' },
    } as ConstructorParameters<typeof v1.FirestoreClient>[0]);
    const request = {
      parent: `projects/${PROJECT}/databases/(default)/documents`,
      structuredQuery: {
        from: [{ collectionId: COLLECTION }],
        select: { fields: FIELDS.map((fieldPath) => ({ fieldPath })) },
        orderBy: [{ field: { fieldPath: '__name__' }, direction: 'ASCENDING' as const }],
        limit: { value: 50 },
      },
    };
    return async () => {
      const out: Plain[] = [];
      for await (const response of gapic.runQuery(request)) {
        const document = (response as { document?: { name: string; fields?: Record<string, Plain> } }).document;
        if (document)
          out.push({ _id: document.name.slice(document.name.lastIndexOf('/') + 1), ...decodeFields(document.fields) });
      }
      return out;
    };
  }
  const db = client(path === 'rest');
  const collection = db.collection(COLLECTION);
  const ordered = (
    path === 'grpc-whole' ? collection : collection.select(...FIELDS.map((f) => new FieldPath(f)))
  ).orderBy(FieldPath.documentId());
  const query = ordered.limit(path === 'grpc-1' ? 1 : 50);
  return async () => (await query.get()).docs.map((doc) => ({ _id: doc.id, ...plain(doc.data() as Plain) }));
}

/** One path in this process: a warm-up, then `queries` queries `concurrency` at a time; prints JSON. */
async function runPath(path: string): Promise<void> {
  const one = queryOf(path);
  for (let i = 0; i < 30; i++) await one();
  const total = Number(values.queries);
  let started = 0;
  let documents = 0;
  const before = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: Number(values.concurrency) }, async () => {
      while (started < total) {
        started++;
        const read = (await one()).length;
        documents += read;
      }
    }),
  );
  const cpu = process.cpuUsage(before);
  process.stdout.write(
    `${JSON.stringify({
      path,
      cpuMsPerQuery: Math.round(((cpu.user + cpu.system) / 1000 / total) * 1000) / 1000,
      documentsPerQuery: documents / total,
      queriesPerSecond: Math.round(total / ((performance.now() - t0) / 1000)),
    })}\n`,
  );
  process.exit(0);
}

if (values.seed) {
  await seed();
} else if (values.path) {
  await runPath(values.path);
} else {
  const engine = localEngines().find((e) => e.name === 'firestore');
  if (!engine) throw new Error('no Firestore engine');
  const prepared = await engine.prepare();
  const env = {
    ...process.env,
    FIRESTORE_EMULATOR_HOST: prepared.env.FIRESTORE_EMULATOR_HOST ?? '',
    METADATA_SERVER_DETECTION: 'none',
  };
  const child = (args: string[]) => {
    const result = spawnSync(process.execPath, [process.argv[1] as string, ...args], { env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
    return result.stdout;
  };
  try {
    child(['--seed']);
    const rows: string[] = [];
    for (let round = 0; round < Number(values.rounds); round++) {
      for (const path of values.paths?.split(',') ?? PATHS) {
        const r = JSON.parse(
          child(['--path', path, '--queries', values.queries, '--concurrency', values.concurrency]),
        ) as Record<string, number | string>;
        rows.push(`| ${round} | ${r.path} | ${r.documentsPerQuery} | ${r.cpuMsPerQuery} | ${r.queriesPerSecond} |`);
      }
    }
    const header = ['| round | path | documents/query | CPU ms/query | queries/s |', '| --- | --- | --- | --- | --- |'];
    process.stdout.write(`${[...header, ...rows].join('\n')}\n`);
  } finally {
    await prepared.stop();
  }
}
