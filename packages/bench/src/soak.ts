/**
 * Soak: a bounded mixed load (signed reads, counts and in-place updates, no
 * inserts, so the data set does not grow) against one server process on
 * loopback for minutes, sampling the server's RSS from /proc every second.
 * After a warm-up the RSS level must stay within 10%: the median of the last
 * minute of load against the median of the first 30 s after the warm-up.
 * With `probe`, the server is started with gc-probe.js: heapUsed after a full
 * GC is read at the end of the warm-up, at the end of the load and after an
 * idle period — flat retained heap with a higher RSS is V8 sizing, a growing
 * one is a leak.
 */

import type { ServerProcess, WixSigner } from '@adaptors/testkit';
import autocannon from 'autocannon';
import { rssMb } from './proc.ts';
import { median } from './stats.ts';

export interface SoakOptions {
  readonly server: ServerProcess;
  readonly signer: WixSigner;
  readonly collectionId: string;
  /** Items seeded `plant-000000` … (updates rotate over the first 100). */
  readonly seeded: number;
  readonly warmupSeconds: number;
  readonly durationSeconds: number;
  readonly idleSeconds: number;
  readonly connections: number;
  /** The server was started with gc-probe.js. */
  readonly probe: boolean;
}

export interface HeapProbe {
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly heapTotalMb: number;
  readonly externalMb: number;
  readonly arrayBuffersMb: number;
}

export interface SoakResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  /** Calls without an answer: connection errors plus client timeouts (`timeouts`). */
  readonly errors: number;
  /** Calls the client gave up on after autocannon's 10 s (the service's deadline should answer first). */
  readonly timeouts: number;
  readonly non2xx: number;
  /** Answers per HTTP status ("200": n, "504": n …): what the non-2xx were. */
  readonly statusCodes: Readonly<Record<string, number>>;
  readonly rssStartMb: number;
  readonly rssAfterWarmupMb: number;
  readonly rssMaxAfterWarmupMb: number;
  /** Median RSS of the first 30 s after the warm-up: the level the check starts from. */
  readonly rssBaselineMb: number;
  /** Median RSS of the last 60 s of the load: the level the check ends at. */
  readonly rssTrailingMb: number;
  readonly rssEndMb: number;
  readonly rssAfterIdleMb: number;
  /**
   * (trailing − baseline) / baseline. Levels, not the peak: a collector's
   * transient peak (reported as the max) is not growth; a leak raises the level.
   */
  readonly rssGrowth: number;
  readonly withinTenPercent: boolean;
  /** RSS every 10 s, MB. */
  readonly rssSeries: readonly number[];
  readonly probes?: { readonly afterWarmup: HeapProbe; readonly end: HeapProbe; readonly afterIdle: HeapProbe };
}

const round = (n: number) => Math.round(n * 10) / 10;
const mb = (bytes: number) => round(bytes / 1024 / 1024);

/** The mix: what a site's CMS and pages do, minus growth (updates rewrite existing items). */
async function mixedRequests(o: SoakOptions, validSeconds: number) {
  const sign = (request: Record<string, unknown>) => o.signer.sign(request, { expiresIn: validSeconds });
  const collectionId = o.collectionId;
  const page = { consistentRead: false, returnTotalCount: false };
  const reads: { path: string; body: string }[] = [
    { path: '/v3/capabilities/get', body: await sign({}) },
    { path: '/v3/items/query', body: await sign({ collectionId, query: { paging: { limit: 50 } }, ...page }) },
    {
      path: '/v3/items/query',
      body: await sign({
        collectionId,
        query: {
          filter: { $and: [{ perennial: true }, { heightCm: { $gte: 20 } }] },
          sort: [{ fieldName: 'heightCm', order: 'DESC' }],
          paging: { limit: 50 },
        },
        ...page,
      }),
    },
    { path: '/v3/items/count', body: await sign({ collectionId, filter: { perennial: true }, consistentRead: false }) },
    {
      path: '/v3/items/query-distinct-values',
      body: await sign({ collectionId, fieldName: 'family', ...page }),
    },
  ];
  const updates: { path: string; body: string }[] = [];
  for (let i = 0; i < Math.min(100, o.seeded); i++) {
    const id = `plant-${String(i).padStart(6, '0')}`;
    updates.push({
      path: '/v3/items/update',
      body: await sign({
        collectionId,
        items: [{ _id: id, commonName: `Plant ${i}`, family: 'Rosaceae', heightCm: i % 200, perennial: i % 2 === 0 }],
      }),
    });
  }
  return { reads, updates };
}

type Mix = Awaited<ReturnType<typeof mixedRequests>>;

/** One update in every `reads.length + 1` requests, each update on the next seeded item. */
async function load(url: string, mix: Mix, connections: number, seconds: number) {
  let next = 0;
  let update = 0;
  return autocannon({
    url,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => {
          const slot = next++ % (mix.reads.length + 1);
          const pick = (mix.reads[slot] ?? mix.updates[update++ % mix.updates.length]) as {
            path: string;
            body: string;
          };
          request.path = pick.path;
          request.body = pick.body;
          return request;
        },
      },
    ],
  });
}

/** Asks the probe for a full GC and the memory usage after it. */
async function probe(server: ServerProcess): Promise<HeapProbe> {
  const stderr = server.child.stderr;
  if (!stderr) throw new Error('soak: the server has no stderr pipe to read the probe from');
  const reading = new Promise<HeapProbe>((resolve) => {
    const onData = (chunk: Buffer) => {
      const line = chunk
        .toString()
        .split('\n')
        .find((l) => l.startsWith('GC-PROBE '));
      if (!line) return;
      stderr.off('data', onData);
      const usage = JSON.parse(line.slice('GC-PROBE '.length)) as NodeJS.MemoryUsage;
      resolve({
        rssMb: mb(usage.rss),
        heapUsedMb: mb(usage.heapUsed),
        heapTotalMb: mb(usage.heapTotal),
        externalMb: mb(usage.external),
        arrayBuffersMb: mb(usage.arrayBuffers),
      });
    };
    stderr.on('data', onData);
  });
  server.child.kill('SIGUSR2');
  return reading;
}

export async function runSoak(o: SoakOptions): Promise<SoakResult> {
  const validSeconds = o.warmupSeconds + o.durationSeconds + o.idleSeconds + 600;
  const mix = await mixedRequests(o, validSeconds);
  const rssStartMb = round(rssMb(o.server.pid));
  await load(o.server.url, mix, o.connections, o.warmupSeconds);
  const afterWarmup = o.probe ? await probe(o.server) : undefined;
  const rssAfterWarmupMb = round(rssMb(o.server.pid));
  const samples: number[] = [];
  const timer = setInterval(() => {
    try {
      samples.push(rssMb(o.server.pid));
    } catch {
      // the server ended: the load reports the errors
    }
  }, 1000);
  const result = await load(o.server.url, mix, o.connections, o.durationSeconds);
  clearInterval(timer);
  const end = o.probe ? await probe(o.server) : undefined;
  const rssEndMb = round(rssMb(o.server.pid));
  await new Promise((resolve) => setTimeout(resolve, o.idleSeconds * 1000));
  const afterIdle = o.probe ? await probe(o.server) : undefined;
  const rssAfterIdleMb = round(rssMb(o.server.pid));
  const rssMaxAfterWarmupMb = round(Math.max(rssAfterWarmupMb, ...samples));
  const rssBaselineMb = round(median(samples.slice(0, 30), 0) || rssAfterWarmupMb);
  const rssTrailingMb = round(median(samples.slice(-60), 0) || rssEndMb);
  const rssGrowth = Math.round(((rssTrailingMb - rssBaselineMb) / rssBaselineMb) * 1000) / 1000;
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]) => [code, (stat as { count: number }).count]),
    ),
    rssStartMb,
    rssAfterWarmupMb,
    rssMaxAfterWarmupMb,
    rssBaselineMb,
    rssTrailingMb,
    rssEndMb,
    rssAfterIdleMb,
    rssGrowth,
    withinTenPercent: rssGrowth <= 0.1,
    rssSeries: samples.filter((_, i) => i % 10 === 0).map(round),
    ...(afterWarmup && end && afterIdle ? { probes: { afterWarmup, end, afterIdle } } : {}),
  };
}
