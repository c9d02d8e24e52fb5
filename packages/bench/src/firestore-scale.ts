/**
 * Firestore at 100,000 documents (services/firestore/README.md "Storage
 * format"): the built Firestore service on a fresh emulator, a collection of
 * N items written through the adaptor, and the queries a Wix site sends on a
 * large table — each answer checked equal to the memory storage's on the same
 * items, each timed as a ratio to an unfiltered `count` of the same collection
 * in the same run. Writes: the per-item time of inserting the same items into
 * a formatted collection and into one inferred from another program's
 * document (written as before the storage format), interleaved.
 *
 *   node dist/firestore-scale.js [--items 100000] [--runs 3]
 *
 * Prints a markdown table (packages/bench/RESULTS.md keeps the last one) and
 * writes JSON to .bench/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type CallResult,
  createMemoryStorage,
  createWixSigner,
  startHarness,
  startServerProcess,
  WixClient,
} from '@adaptors/testkit';
import { databaseTargets } from './targets.ts';

const { values } = parseArgs({
  options: {
    items: { type: 'string', default: '100000' },
    runs: { type: 'string', default: '3' },
    'write-sample': { type: 'string', default: '10000' },
    /** Comma-separated parts of scenario names: only those run (the count baseline always does). */
    only: { type: 'string' },
  },
});
const ONLY = values.only?.split(',').map((part) => part.trim().toLowerCase());
const N = Number(values.items);
const RUNS = Number(values.runs);
const WRITE_SAMPLE = Math.min(N, Number(values['write-sample']));
const ID = 'scale';
const PLAIN = 'scale_plain';

const ADJECTIVES = Array.from(
  { length: 50 },
  (_, i) => `${'Quick Lazy Happy Brave Calm Eager Fancy Gentle Jolly Kind'.split(' ')[i % 10]}${i}`,
);
const NOUNS = ['Fox', 'Dog', 'Rose', 'Oak', 'Lily', 'Fern', 'Moss', 'Pine', 'Sage', 'Mint'];

function item(i: number): Record<string, unknown> {
  // A spread of 50 categories, numbers with nulls, titles with mixed case.
  const out: Record<string, unknown> = {
    _id: `s${String((i * 7_919) % 1_000_003).padStart(7, '0')}-${i}`,
    title: `${ADJECTIVES[(i * 31) % 50]} ${NOUNS[i % 10]} ${i.toString(36).toUpperCase()}`,
    cat: `cat${String(i % 50).padStart(2, '0')}`,
  };
  if (i % 17 !== 0) out.n = (i * 7_919) % 10_007;
  return out;
}

const FIELDS = [
  { key: 'title', type: 'TEXT' },
  { key: 'n', type: 'NUMBER' },
  { key: 'cat', type: 'TEXT' },
];

interface Row {
  readonly name: string;
  readonly ms: number;
  readonly ratio: number;
  readonly exact: boolean;
  readonly note: string;
}

/**
 * A client without fetch's 300-second wait for response headers: on the emulator a grouped
 * aggregation over 100,000 documents can take longer, and the bench measures it instead of cutting it.
 */
class PatientClient extends WixClient {
  constructor(
    private readonly base: string,
    signer: ConstructorParameters<typeof WixClient>[0]['signer'],
  ) {
    super({ baseUrl: base, signer });
  }

  override post(path: string, body: string, headers: Record<string, string> = {}): Promise<CallResult> {
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        `${this.base}/v3/${path}`,
        { method: 'POST', headers: { 'content-type': 'text/plain', ...headers } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => {
            text += chunk;
          });
          response.on('end', () =>
            resolve({
              status: response.statusCode ?? 0,
              body: text ? JSON.parse(text) : undefined,
              headers: new Headers(),
            }),
          );
        },
      );
      request.on('error', reject);
      request.end(body);
    });
  }
}

const signer = await createWixSigner({ alg: 'RS256' });
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const target = databaseTargets(signer.publicKeyPem, repoRoot).find((t) => t.name === 'firestore');
if (!target?.prepare) throw new Error('no firestore target (build services/firestore first)');
const engine = await target.prepare();
const env = {
  ...target.env,
  ...engine.env,
  // The emulator answers every query by scanning (about a second per query at 100,000 documents),
  // so the bench gives a call more than Wix's budget to finish; the ratio is the figure.
  REQUEST_DEADLINE_MS: '600000',
  LOG_LEVEL: 'warn',
};
const server = await startServerProcess(target.command, target.args, env);
const firestore = new PatientClient(server.url, signer);
const memory = await startHarness({ storage: createMemoryStorage() });
const out: { rows: Row[]; writes: Record<string, number>; items: number; countMs: number } = {
  rows: [],
  writes: {},
  items: N,
  countMs: 0,
};

/**
 * What must be equal: the items without the system dates and owner (each storage stamped its own
 * when the items were inserted) and the paging metadata without cursors (each server signs its own).
 */
function comparable(body: unknown): unknown {
  return JSON.parse(JSON.stringify(body), (key, value: unknown) => {
    if (key === '_createdDate' || key === '_updatedDate' || key === '_owner' || key === 'cursors') return undefined;
    // Key order is not part of an answer.
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return value;
  });
}

function ok<T extends { status: number; body: unknown }>(result: T, what: string): T {
  if (result.status !== 200) throw new Error(`${what}: ${result.status} ${JSON.stringify(result.body).slice(0, 400)}`);
  return result;
}

async function insertAll(client: WixClient, collectionId: string, from: number, to: number): Promise<number> {
  const started = performance.now();
  for (let at = from; at < to; at += 1000) {
    const batch = Array.from({ length: Math.min(1000, to - at) }, (_, k) => item(at + k));
    const result = ok(await client.insert(collectionId, batch), `insert ${collectionId}`);
    const failed = (result.body as { results: { error?: unknown }[] }).results.find((r) => r.error);
    if (failed) throw new Error(`insert ${collectionId}: ${JSON.stringify(failed)}`);
  }
  return performance.now() - started;
}

try {
  ok(await firestore.createCollection({ id: ID, fields: FIELDS }), 'create');
  ok(await memory.client.createCollection({ id: ID, fields: FIELDS }), 'create memory');

  // "Today's" write path: a collection another program wrote (one document with the system fields,
  // first in id order so it stays in the inference sample), inferred by the adaptor and written
  // without nulls, shadows or trigrams.
  const [host, project] = [engine.env.FIRESTORE_EMULATOR_HOST, engine.env.FIRESTORE_PROJECT];
  const seeded = await fetch(
    `http://${host}/v1/projects/${project}/databases/(default)/documents/${PLAIN}?documentId=0seed`,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
      body: JSON.stringify({
        fields: {
          _createdDate: { timestampValue: '2025-01-01T00:00:00Z' },
          _updatedDate: { timestampValue: '2025-01-01T00:00:00Z' },
          _owner: { stringValue: 'bench' },
          title: { stringValue: 'Seed' },
          n: { integerValue: '1' },
          cat: { stringValue: 'cat00' },
        },
      }),
    },
  );
  if (seeded.status !== 200) throw new Error(`seed plain: ${seeded.status} ${await seeded.text()}`);

  // Writes, interleaved in chunks of 1,000 so both meet the emulator in the same state.
  let plainMs = 0;
  let formattedMs = 0;
  for (let at = 0; at < WRITE_SAMPLE; at += 1000) {
    const to = Math.min(WRITE_SAMPLE, at + 1000);
    plainMs += await insertAll(firestore, PLAIN, at, to);
    formattedMs += await insertAll(firestore, ID, at, to);
  }
  const restMs = await insertAll(firestore, ID, WRITE_SAMPLE, N);
  await insertAll(memory.client, ID, 0, N);
  out.writes = {
    plainMsPerItem: plainMs / WRITE_SAMPLE,
    formattedMsPerItem: formattedMs / WRITE_SAMPLE,
    ratio: formattedMs / plainMs,
    allFormattedMsPerItem: (formattedMs + restMs) / N,
  };
  process.stderr.write(`writes: ${JSON.stringify(out.writes)}\n`);

  const timed = async (call: (c: WixClient) => Promise<{ status: number; body: unknown }>) => {
    const times: number[] = [];
    let body: unknown;
    for (let r = 0; r < RUNS; r++) {
      const started = performance.now();
      const result = await call(firestore);
      times.push(performance.now() - started);
      if (result.status !== 200) return { ms: times[0] as number, body: result.body, status: result.status };
      body = result.body;
      // A query of a minute or more is measured once (the run would take too long otherwise).
      if ((times[0] as number) > 60_000) break;
    }
    times.sort((a, b) => a - b);
    return { ms: times[Math.floor(times.length / 2)] as number, body, status: 200 };
  };

  await firestore.count(ID); // warm-up
  const count = await timed((c) => c.count(ID));
  out.countMs = count.ms;
  process.stderr.write(`count: ${count.ms.toFixed(0)} ms\n`);

  const scenario = async (
    name: string,
    note: string,
    call: (c: WixClient) => Promise<{ status: number; body: unknown }>,
  ) => {
    if (ONLY && !ONLY.some((part) => name.toLowerCase().includes(part))) return;
    const got = await timed(call);
    const want = await call(memory.client);
    const exact = got.status === 200 && JSON.stringify(comparable(got.body)) === JSON.stringify(comparable(want.body));
    const row: Row = {
      name,
      ms: got.ms,
      ratio: got.ms / count.ms,
      exact,
      note: got.status === 200 ? note : `${got.status}: ${JSON.stringify(got.body).slice(0, 200)}`,
    };
    out.rows.push(row);
    process.stderr.write(
      `${name}: ${row.ms.toFixed(0)} ms (${row.ratio.toFixed(2)}×) ${exact ? 'exact' : `DIFFERS ${row.note}`}\n`,
    );
  };

  const half = Math.floor(N / 2);
  await scenario('sort by n, offset N/2', 'orderBy + offset', (c) =>
    c.query(ID, { sort: [{ fieldName: 'n' }], paging: { offset: half, limit: 50 } }),
  );
  await scenario('sort by title desc, offset N/2', 'orderBy + offset', (c) =>
    c.query(ID, { sort: [{ fieldName: 'title', order: 'DESC' }], paging: { offset: half, limit: 50 } }),
  );
  await scenario('sort by cat, n desc (two fields), offset N/2', 'orderBy ×2 + offset', (c) =>
    c.query(ID, {
      sort: [{ fieldName: 'cat' }, { fieldName: 'n', order: 'DESC' }],
      paging: { offset: half, limit: 50 },
    }),
  );
  // Cursors: the page after a deep one (its cursor taken from the previous answer).
  // Each server signs its own cursors: each client pages with its own.
  const cursors = new Map<WixClient, string>();
  for (const client of [firestore, memory.client]) {
    const first = ok(await client.query(ID, { sort: [{ fieldName: 'n' }], cursorPaging: { limit: 50 } }), 'cursor');
    cursors.set(client, (first.body as { pagingMetadata: { cursors: { next: string } } }).pagingMetadata.cursors.next);
  }
  await scenario('sort by n, next page by cursor', 'orderBy + startAfter', (c) =>
    c.query(ID, { cursorPaging: { limit: 50, cursor: cursors.get(c) } }),
  );
  await scenario('title $startsWith (case-insensitive)', 'range on the folded shadow', (c) =>
    c.query(ID, { filter: { title: { $startsWith: 'quick10 f' } }, paging: { limit: 50 } }),
  );
  await scenario('title $contains (case-insensitive)', 'trigram key, rest evaluated', (c) =>
    c.query(ID, { filter: { title: { $contains: 'ZY FOX' } }, paging: { limit: 50 } }),
  );
  const probe = item(4_242).title as string;
  await scenario('title $eq ignoring case ($matches literal)', '== on the folded shadow', (c) =>
    c.query(ID, {
      filter: { title: { $matches: { ignoreCase: true, spec: [{ type: 'literal', value: probe.toUpperCase() }] } } },
    }),
  );
  await scenario('aggregate by cat (50 groups): count, sum, avg', 'group statistics: one getAll of 17 documents', (c) =>
    c.aggregate(ID, {
      aggregation: {
        groupingFields: ['cat'],
        operations: [
          { resultFieldName: 'c', itemCount: {} },
          { resultFieldName: 's', sum: { itemFieldName: 'n' } },
          { resultFieldName: 'a', average: { itemFieldName: 'n' } },
        ],
      },
      paging: { limit: 100 },
    }),
  );
  await scenario('distinct cat', 'group statistics: one getAll of 17 documents', (c) =>
    c.distinct(ID, 'cat', { paging: { limit: 100 }, returnTotalCount: true }),
  );
  await scenario('count with a filter (cat, n range)', 'count() with the filter', (c) =>
    c.count(ID, { $and: [{ cat: 'cat07' }, { n: { $gt: 5000 } }] }),
  );
} finally {
  await server.stop();
  await memory.close();
  await engine.stop();
}

const table = [
  `Firestore emulator, ${N.toLocaleString('en-US')} documents written through the adaptor; median of ${RUNS} runs; unfiltered count = ${out.countMs.toFixed(0)} ms.`,
  '',
  '| query | ms | × count | exact | how |',
  '| ----- | -- | ------- | ----- | --- |',
  ...out.rows.map(
    (r) => `| ${r.name} | ${r.ms.toFixed(0)} | ${r.ratio.toFixed(2)} | ${r.exact ? 'yes' : '**no**'} | ${r.note} |`,
  ),
  '',
  `Writes (${WRITE_SAMPLE.toLocaleString('en-US')} items each, interleaved): ${out.writes.formattedMsPerItem?.toFixed(3)} ms/item in the storage format vs ${out.writes.plainMsPerItem?.toFixed(3)} ms/item as before (×${out.writes.ratio?.toFixed(2)}); all ${N.toLocaleString('en-US')}: ${out.writes.allFormattedMsPerItem?.toFixed(3)} ms/item.`,
].join('\n');
process.stdout.write(`${table}\n`);
mkdirSync('.bench', { recursive: true });
writeFileSync(join('.bench', `firestore-scale-${Date.now()}.json`), JSON.stringify(out, null, 2));
