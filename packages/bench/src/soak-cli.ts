#!/usr/bin/env node
/**
 * `npm run soak` — a bounded mixed load against each target for minutes, on
 * loopback, with the server's RSS sampled from /proc (soak.ts). Exits 1 when
 * a target's RSS grew more than 10% after the warm-up or any call failed.
 *
 *   node scripts/run.mjs soak [--targets memory,spanner,firestore,bigquery] [--minutes 10]
 *        [--warmup 60] [--idle 30] [--connections 20] [--probe] [--out file.json] [--logs DIR]
 *
 * `--logs DIR` keeps each service's log (one JSON line per call) as DIR/<target>.log, to see what
 * a non-2xx answer or an error was.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createWixSigner, startServerProcess, WixClient } from '@adaptors/testkit';
import { seedPlants } from './seed.ts';
import { runSoak, type SoakResult } from './soak.ts';
import { builtInTargets, databaseTargets } from './targets.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'memory,spanner,firestore,bigquery' },
    minutes: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    idle: { type: 'string', default: '30' },
    connections: { type: 'string', default: '20' },
    probe: { type: 'boolean', default: false },
    out: { type: 'string' },
    logs: { type: 'string' },
  },
});

const signer = await createWixSigner({ alg: 'RS256' });
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const wanted = new Set(values.targets.split(','));
const targets = [...builtInTargets(signer.publicKeyPem), ...databaseTargets(signer.publicKeyPem, repoRoot)].filter(
  (t) => wanted.has(t.name) && !t.baselineOnly,
);
const warmupSeconds = Number(values.warmup);
const durationSeconds = Math.max(1, Number(values.minutes) * 60 - warmupSeconds);
const probeFile = join(dirname(fileURLToPath(import.meta.url)), 'targets', 'gc-probe.js');
const report: {
  startedAt: string;
  settings: Record<string, unknown>;
  results: { target: string; result: SoakResult }[];
} = {
  startedAt: new Date().toISOString(),
  settings: { ...values, durationSeconds },
  results: [],
};
let failed = false;

for (const target of targets) {
  const engine = target.prepare ? await target.prepare() : undefined;
  const env: Record<string, string> = { ...target.env, ...engine?.env };
  if (values.probe) env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --expose-gc --import ${probeFile}`.trim();
  try {
    if (values.logs) mkdirSync(values.logs, { recursive: true });
    const logFile = values.logs ? join(values.logs, `${target.name}.log`) : undefined;
    const server = await startServerProcess(target.command, target.args, env, undefined, logFile);
    try {
      const client = new WixClient({ baseUrl: server.url, signer });
      if (target.seed) await seedPlants(client);
      process.stderr.write(`soak ${target.name}: ${values.minutes} min, ${values.connections} connections…\n`);
      const result = await runSoak({
        server,
        signer,
        collectionId: target.collectionId,
        seeded: 1000,
        warmupSeconds,
        durationSeconds,
        idleSeconds: Number(values.idle),
        connections: Number(values.connections),
        probe: values.probe,
      });
      report.results.push({ target: target.name, result });
      const ok = result.withinTenPercent && result.errors === 0 && result.non2xx === 0;
      failed ||= !ok;
      process.stdout.write(
        `${ok ? 'ok  ' : 'FAIL'} ${target.name}: ${result.requests} requests (${result.requestsPerSecond}/s), p50 ${result.latencyP50Ms} ms, p99 ${result.latencyP99Ms} ms, errors ${result.errors} (timeouts ${result.timeouts}), non-2xx ${result.non2xx} (statuses ${JSON.stringify(result.statusCodes)}); ` +
          `RSS ${result.rssStartMb} → ${result.rssAfterWarmupMb} after warm-up; level ${result.rssBaselineMb} → ${result.rssTrailingMb} (${result.rssGrowth >= 0 ? '+' : ''}${Math.round(result.rssGrowth * 1000) / 10}%), peak ${result.rssMaxAfterWarmupMb}, end ${result.rssEndMb}, after ${values.idle} s idle ${result.rssAfterIdleMb} MB` +
          (result.probes
            ? `; heapUsed after full GC ${result.probes.afterWarmup.heapUsedMb} → ${result.probes.end.heapUsedMb} → ${result.probes.afterIdle.heapUsedMb} MB (heapTotal ${result.probes.afterWarmup.heapTotalMb} → ${result.probes.end.heapTotalMb} → ${result.probes.afterIdle.heapTotalMb}, external ${result.probes.afterWarmup.externalMb} → ${result.probes.end.externalMb} → ${result.probes.afterIdle.externalMb})`
            : '') +
          '\n',
      );
    } finally {
      await server.stop();
    }
  } finally {
    await engine?.stop();
  }
}

const out = values.out ?? join(process.cwd(), '.bench', `soak-${report.startedAt.replace(/[:.]/g, '-')}.json`);
mkdirSync(dirname(out), { recursive: true });
writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`written to ${out}\n`);
process.exit(failed ? 1 : 0);
