/**
 * `defineFuzzSuite(name, open, { runs })`: property-based fuzzing of signed
 * requests across every endpoint (requests.ts) against a service, each
 * answer judged against the reference (judge.ts, reference.ts). A short
 * profile runs in CI; `FUZZ_RUNS` sets the number of requests (the long
 * profile, `npm run fuzz`, sets 10,000), `FUZZ_SEED` replays a run and
 * `FUZZ_PENDING=1` also generates the input classes with a known 5xx
 * (hostile.ts). The seed is printed at the start of every run.
 */
import { createHash, type KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { forge, forgeKeyPair, signerFor } from '../attacks/forge.ts';
import { WixClient } from '../client.ts';
import { itemArb as differentialItemArb } from '../conformance/suite-differential.ts';
import { type Harness, startHarness } from '../harness.ts';
import { defaultMetadata } from '../signer.ts';
import type { OpenStorage, StorageUnderTest } from '../storage-under-test.ts';
import { hostileDate, hostileNumber, hostileString, hostileValue } from './hostile.ts';
import { clip, type Finding, judgeAnswer, type Outcome } from './judge.ts';
import { referenceStorage } from './reference.ts';
import { FUZZ_FIELDS, type FuzzCollections, type FuzzRequest, fuzzRequests, requestText } from './requests.ts';

export interface FuzzOptions {
  /** Requests in the CI profile (default 300); FUZZ_RUNS overrides. */
  readonly runs?: number;
  /**
   * Generator bounds for an engine with a known problem past them: each use must name the
   * finding in a `// pending:` comment so it is lifted once fixed.
   */
  readonly bounds?: { readonly maxString?: number; readonly maxBranches?: number };
}

/** Per-call client timeout: a call with no answer by then is a finding. */
const CALL_TIMEOUT_MS = 5000;
const SETUP_TIMEOUT_MS = 60_000;
const MAX_PAGES = 60;

export function defineFuzzSuite(name: string, open: OpenStorage, options: FuzzOptions = {}): void {
  const runs = Number(process.env.FUZZ_RUNS ?? options.runs ?? 300);
  const seed = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
  const pending = process.env.FUZZ_PENDING === '1';
  // A test that runs far longer than the requests need is stuck, not slow: 5 s per call bounds each one.
  const budgetMs = 60_000 + runs * 4 * CALL_TIMEOUT_MS;

  describe(`fuzz: ${name}`, () => {
    let opened: StorageUnderTest | undefined;
    let service: Harness;
    let reference: Harness;
    const findings: Finding[] = [];
    let run: Run;
    const collections: FuzzCollections = { seed: 'fz_seed', scratch: 'fz_scratch' };
    let before: { count: number; checksum: string };

    beforeAll(async () => {
      opened = await open();
      // One key pair trusted by both adaptors; the suite signs request text itself (see call()).
      const pair = forgeKeyPair('rsa');
      const signer = await signerFor(pair);
      // The harness clients (setup, checks) wait up to a minute; the fuzzed calls have 5 s each.
      // One fixed clock: both sides stamp the same _createdDate/_updatedDate, so queries on them compare.
      const now = () => new Date('2025-06-01T12:00:00.000Z');
      service = await startHarness({ storage: opened.storage, signer, now, clientTimeoutMs: SETUP_TIMEOUT_MS });
      reference = await startHarness({
        storage: referenceStorage(opened.storage.capabilities),
        signer,
        now,
        clientTimeoutMs: SETUP_TIMEOUT_MS,
      });
      const items = seedItems();
      for (const h of [service, reference]) {
        for (const id of [collections.seed, collections.scratch]) {
          const created = await h.client.createCollection({ id, fields: FUZZ_FIELDS.map((f) => ({ ...f })) });
          expect(created.status, JSON.stringify(created.body)).toBe(200);
        }
        const inserted = await h.client.insert(collections.seed, items);
        expect(inserted.status, JSON.stringify(inserted.body).slice(0, 2000)).toBe(200);
        const failed = inserted.body.results.filter((r: { error?: unknown }) => r.error);
        expect(failed, 'every seed item is stored').toEqual([]);
      }
      run = {
        service: new WixClient({ baseUrl: service.url, signer, timeoutMs: CALL_TIMEOUT_MS }),
        reference: new WixClient({ baseUrl: reference.url, signer, timeoutMs: CALL_TIMEOUT_MS }),
        key: pair.privateKey,
        tally: new Map(),
        refusals: [],
      };
      before = await fingerprint(service.client, collections.seed);
      expect(before.count).toBe(items.length);
    });

    afterAll(async () => {
      await service?.close();
      await reference?.close();
      await opened?.close();
    });

    test(
      `${runs} random signed requests: every answer is the reference's or a shaped 4xx`,
      async () => {
        process.stdout.write(
          `fuzz ${name}: seed ${seed}, ${runs} requests${pending ? ', pending classes on' : ''} (replay: FUZZ_SEED=${seed} FUZZ_RUNS=${runs})\n`,
        );
        await fc.assert(
          fc.asyncProperty(fuzzRequests(collections, { pending, ...options.bounds }), async (req) => {
            let found: Finding[];
            let diverged = false;
            try {
              if (req.cursorWalk) found = await cursorWalk(run, req);
              else ({ findings: found, diverged } = await oneCall(run, req));
            } catch (error) {
              // Reported as a finding rather than thrown: fast-check would print (and overflow on) a 5000-deep input.
              found = [
                {
                  kind: 'no answer',
                  path: req.path,
                  request: clip(req.request),
                  service: `the test client failed: ${(error as Error).name}: ${(error as Error).message}`,
                  reference: '',
                },
              ];
            }
            findings.push(...found);
            if (diverged || (found.length > 0 && req.judge === 'write')) {
              // A write answered differently leaves the two scratch collections apart: start them over.
              await Promise.all([
                service.client.truncate(collections.scratch),
                reference.client.truncate(collections.scratch),
              ]);
            }
            if (req.path === 'collections/create') await dropCreated(run, req.request);
            return true;
          }),
          { numRuns: runs, seed },
        );
        const scratch = await Promise.all([
          fingerprint(service.client, collections.scratch),
          fingerprint(reference.client, collections.scratch),
        ]);
        if (scratch[0].checksum !== scratch[1].checksum) {
          findings.push({
            kind: 'different answer',
            path: 'items/query (scratch after the run)',
            request: '{}',
            service: JSON.stringify(scratch[0]),
            reference: JSON.stringify(scratch[1]),
          });
        }
        const answers = [...run.tally].sort().map(([k, n]) => `${k} ${n}`);
        process.stdout.write(`fuzz ${name}: answers ${answers.join(', ')}\n`);
        process.stdout.write(refusalReport(name, run.refusals));
        const served = [...run.tally].filter(([k]) => k.endsWith('2xx')).reduce((sum, [, n]) => sum + n, 0);
        expect(served, 'a fair share of the requests is served, not refused').toBeGreaterThan(runs / 5);
        expect(findings.length, report(name, seed, findings)).toBe(0);
      },
      budgetMs,
    );

    test('the service still answers and the seeded data is intact (count + checksum)', async () => {
      const health = await fetch(`${service.url}/healthz`);
      expect(health.status).toBe(200);
      expect(await fingerprint(service.client, collections.seed)).toEqual(before);
    });
  });
}

/** One run: both clients, the key both adaptors trust, answers by endpoint and status class, engine refusals. */
interface Run {
  readonly service: WixClient;
  readonly reference: WixClient;
  readonly key: KeyObject;
  readonly tally: Map<string, number>;
  readonly refusals: string[];
}

/** Signs the request text (requestText) with the key both adaptors trust and posts it. */
async function call(key: KeyObject, client: WixClient, path: string, request: unknown): Promise<Outcome> {
  try {
    const now = Math.floor(Date.now() / 1000);
    const payload = `{"iss":"wix.com","iat":${now},"exp":${now + 120},"data":{"request":${requestText(request)},"metadata":${JSON.stringify(defaultMetadata())}}}`;
    return await client.post(path, forge('{"alg":"RS256","typ":"JWT"}', payload, 'RS256', key));
  } catch (error) {
    return { failed: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

async function oneCall(run: Run, req: FuzzRequest): Promise<{ findings: Finding[]; diverged: boolean }> {
  const [a, b] = await Promise.all([
    call(run.key, run.service, req.path, req.request),
    call(run.key, run.reference, req.path, req.request),
  ]);
  const tallyKey = `${req.path} ${'failed' in a ? 'none' : `${String(a.status)[0]}xx`}`;
  run.tally.set(tallyKey, (run.tally.get(tallyKey) ?? 0) + 1);
  const verdict = judgeAnswer(req.judge, req.path, req.request, a, b);
  if (verdict.refusal) run.refusals.push(verdict.refusal);
  return {
    findings: verdict.finding ? [verdict.finding] : [],
    diverged: verdict.refusal !== undefined && req.judge === 'write',
  };
}

/** Engine refusals grouped by their first words, with counts: printed, not failed (see judge.ts Verdict). */
function refusalReport(name: string, refusals: readonly string[]): string {
  if (refusals.length === 0) return '';
  const groups = new Map<string, number>();
  for (const r of refusals) {
    const key = r.replace(/'[^']*'|"[^"]*"|\d+/g, '…').slice(0, 110);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [...groups].sort((x, y) => y[1] - x[1]).map(([k, n]) => `  ${n}× ${k}`);
  return `fuzz ${name}: ${refusals.length} requests the engine refused and the reference served:\n${lines.join('\n')}\n`;
}

type CursorQuery = { collectionId: string; query: Record<string, unknown> & { cursorPaging: { limit?: unknown } } };

/**
 * Walks every page with the cursor on both sides: the same ids in the same
 * order, no duplicates. With a tampered cursor on the second page: refused
 * with a 4xx (a cursor is signed), except `swap` (a genuine cursor on another
 * query), which only must not fail.
 */
async function cursorWalk(run: Run, req: FuzzRequest): Promise<Finding[]> {
  const { service, reference } = run;
  const request = req.request as CursorQuery;
  const tamper = req.cursorWalk?.tamper ?? 'none';
  const pageRequest = (cursor: string | null) => ({
    ...request,
    query: { ...request.query, cursorPaging: { ...request.query.cursorPaging, cursor } },
  });
  const walks: unknown[][] = [];
  for (const client of [service, reference]) {
    const ids: unknown[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const sent = pageRequest(cursor);
      const outcome = await call(run.key, client, 'items/query', sent);
      if (client === service) {
        const problem = judgeAnswer('safe', 'items/query', sent, outcome, outcome).finding;
        if (problem) return [problem];
      }
      if ('failed' in outcome || outcome.status !== 200) {
        ids.push(`(${'failed' in outcome ? 'no answer' : outcome.status})`);
        break;
      }
      ids.push(...outcome.body.items.map((item: { _id: unknown }) => item._id));
      const next: string | null = outcome.body.pagingMetadata?.cursors?.next ?? null;
      if (!next) break;
      if (client === service && page === 0 && tamper !== 'none') {
        const tampered = tamperWith(next, tamper);
        const sentBad =
          tamper === 'swap'
            ? {
                ...pageRequest(tampered),
                query: { ...pageRequest(tampered).query, sort: [{ fieldName: 'score', order: 'DESC' }] },
              }
            : pageRequest(tampered);
        const bad = await call(run.key, service, 'items/query', sentBad);
        const problem = judgeAnswer('safe', 'items/query', sentBad, bad, bad).finding;
        if (problem) return [problem];
        if (tamper !== 'swap' && !('failed' in bad) && bad.status < 300) {
          return [
            {
              kind: 'answered alone',
              path: 'items/query (tampered cursor)',
              request: JSON.stringify(sentBad).slice(0, 1500),
              service: `${bad.status}`,
              reference: 'a tampered cursor must be refused',
            },
          ];
        }
        return [];
      }
      cursor = next;
    }
    walks.push(ids);
  }
  if (tamper !== 'none') return [];
  const [a = [], b = []] = walks;
  const duplicates = a.length !== new Set(a).size;
  if (duplicates || JSON.stringify(a) !== JSON.stringify(b)) {
    return [
      {
        kind: 'different answer',
        path: `items/query (cursor walk${duplicates ? ', duplicate ids' : ''})`,
        request: JSON.stringify(request).slice(0, 1500),
        service: JSON.stringify(a).slice(0, 600),
        reference: JSON.stringify(b).slice(0, 600),
      },
    ];
  }
  return [];
}

function tamperWith(cursor: string, how: 'flip' | 'truncate' | 'swap' | 'garbage' | 'none'): string {
  if (how === 'truncate') return cursor.slice(0, -5);
  if (how === 'garbage') return `x${cursor}`;
  if (how === 'flip') {
    const at = cursor.length >> 1;
    const ch = cursor[at] === 'A' ? 'B' : 'A';
    return `${cursor.slice(0, at)}${ch}${cursor.slice(at + 1)}`;
  }
  return cursor;
}

/** A collection the run created (on either side) is dropped again on both. */
async function dropCreated(run: Run, request: unknown): Promise<void> {
  const id = (request as { collection?: { id?: unknown } }).collection?.id;
  if (typeof id !== 'string' || id === 'fz_seed' || id === 'fz_scratch') return;
  await Promise.all([
    call(run.key, run.service, 'collections/delete', { collectionId: id }),
    call(run.key, run.reference, 'collections/delete', { collectionId: id }),
  ]);
}

/** Count and SHA-256 of a collection's items (system dates and nulls dropped, sorted by _id). */
async function fingerprint(client: WixClient, collectionId: string): Promise<{ count: number; checksum: string }> {
  const result = await client.query(collectionId, { paging: { limit: 1000 } });
  if (result.status !== 200) return { count: -1, checksum: `${result.status}` };
  const items = [...result.body.items].sort((x: { _id: string }, y: { _id: string }) =>
    x._id < y._id ? -1 : x._id > y._id ? 1 : 0,
  );
  const { normalise } = await import('./judge.ts');
  return {
    count: items.length,
    checksum: createHash('sha256')
      .update(JSON.stringify(normalise(items)))
      .digest('hex'),
  };
}

/** 40 items: the differential suite's values and hostile ones, the same for every run. */
function seedItems(): Record<string, unknown>[] {
  const o = { pending: false };
  const plain = fc.sample(differentialItemArb, { numRuns: 24, seed: 7 });
  const hostile = fc.sample(
    fc.record({
      name: hostileString(o).filter((s) => s.length <= 200),
      score: hostileNumber(),
      flag: fc.boolean(),
      when: hostileDate(o).filter(
        (d) =>
          !/garbage|-30|-13|^$|1e3/.test(JSON.stringify(d)) &&
          typeof (d as { $date?: unknown }).$date === 'string' &&
          (d as { $date: string }).$date.includes('T') &&
          Object.keys(d as object).length === 1,
      ),
      labels: fc.array(
        hostileString(o).filter((s) => s.length <= 50),
        { maxLength: 3 },
      ),
      // Seed data must be storable on every engine: no `__x__` keys (reserved by Firestore).
      doc: hostileValue(o, 2).filter(
        (v) =>
          typeof v === 'object' &&
          v !== null &&
          !Array.isArray(v) &&
          !('$date' in v) &&
          !/"__\w*__"/.test(JSON.stringify(v)),
      ),
    }),
    { numRuns: 16, seed: 11 },
  );
  return [...plain, ...hostile].map((item, i) => ({ _id: `s${String(i).padStart(2, '0')}`, ...item }));
}

/** Findings grouped by kind, endpoint and answer, with the first examples of each. */
export function report(name: string, seed: number, findings: readonly Finding[]): string {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) {
    const key = `${f.kind} ${f.path} → ${f.service.slice(0, 60)}`;
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const lines = [`fuzz ${name} (seed ${seed}): ${findings.length} findings in ${groups.size} groups`];
  for (const [key, list] of groups) {
    lines.push(`\n[${list.length}×] ${key}`);
    for (const f of list.slice(0, 2)) {
      lines.push(`  request:   ${f.request}`, `  service:   ${f.service}`, `  reference: ${f.reference}`);
    }
  }
  return lines.join('\n');
}
