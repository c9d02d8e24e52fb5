/**
 * `defineFuzzSuite(name, open, { runs })`: property-based fuzzing of signed
 * requests across every endpoint (requests.ts) against a service, each
 * answer judged against the reference (judge.ts, reference.ts). A short
 * profile runs in CI; `FUZZ_RUNS` sets the number of requests (the long
 * profile, `npm run fuzz`, sets 10,000), `FUZZ_SEED` replays a run and
 * `FUZZ_PENDING=1` also generates the input classes with a known 5xx
 * (hostile.ts). The seed is printed at the start of every run.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { forgeKeyPair, signerFor } from '../attacks/forge.ts';
import { WixClient } from '../client.ts';
import { type Harness, startHarness } from '../harness.ts';
import type { OpenStorage, StorageUnderTest } from '../storage-under-test.ts';
import { cursorWalk, dropCreated, oneCall, type Run, refusalReport } from './calls.ts';
import { clip, type Finding } from './judge.ts';
import { referenceStorage } from './reference.ts';
import { FUZZ_FIELDS, fuzzRequests } from './requests.ts';
import { fingerprint, seedItems } from './seed.ts';

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
/** A progress line every this many requests. */
const PROGRESS_EVERY = 1000;

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
    const recent: string[] = [];
    let run: Run;
    const collections = { seed: 'fz_seed', scratch: 'fz_scratch', settle: 'fz_settle' };
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
        for (const id of [collections.seed, collections.scratch, collections.settle]) {
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
        let done = 0;
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
            // A call with no answer may be stuck behind what an earlier one left (a lock, a queue): say what came before.
            findings.push(
              ...found.map((f) =>
                f.kind === 'no answer'
                  ? { ...f, reference: `${f.reference}; the requests before: ${recent.join(' | ')}` }
                  : f,
              ),
            );
            recent.push(`${req.path} ${clip(req.request, 300)}`);
            done++;
            // The long profile runs for many minutes: say how far it is (and whether it is finding anything).
            if (done % PROGRESS_EVERY === 0 && done < runs) {
              process.stdout.write(`fuzz ${name}: ${done}/${runs} requests, ${findings.length} findings so far\n`);
            }
            if (recent.length > 3) recent.shift();
            if (diverged || (found.length > 0 && req.judge === 'write')) {
              // A write answered differently leaves the two scratch collections apart: start them over.
              await Promise.all([
                service.client.truncate(collections.scratch),
                reference.client.truncate(collections.scratch),
              ]);
            }
            if (req.path === 'collections/create') {
              await dropCreated(run, req.request);
              // A schema change holds up the writes after it on the Spanner emulator (it applies DDL and
              // transactions one at a time): wait for one write to pass, with the setup client's patience,
              // so the next fuzzed call is timed on its own (finding reported with the suite).
              await Promise.all([
                service.client.truncate(collections.settle),
                reference.client.truncate(collections.settle),
              ]);
            }
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
