#!/usr/bin/env node
/**
 * `adaptors-bench` — load and cold-start figures for the adaptors, signed like
 * Wix. Speed is measured here, never asserted in tests.
 *
 *   node scripts/run.mjs bench [--targets bare,memory] [--duration 10] [--connections 50] [--out file.json]
 *   node scripts/run.mjs bench --targets spanner --scale-out 1,3   (instances on one engine, packages/core/SCALING.md)
 *   npm run bench -- --targets memory,spanner,firestore,bigquery  (the lean-runtime goals, goals.ts)
 */
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createWixSigner, startServerProcess, WixClient } from '@adaptors/testkit';
import { type AbVariant, parseVariants, runAb, summarize } from './ab.ts';
import { runColdAb, summarizeCold } from './ab-cold.ts';
import { runBulk } from './bulk.ts';
import { clientImportRun, measureColdStart } from './cold-start.ts';
import { NO_DATABASE_SCENARIO, QUERY_SCENARIO } from './goals.ts';
import { combineLoads, type LoadResult, runLoad } from './load.ts';
import { type BenchReport, printReport, writeReport } from './report.ts';
import { runScaleOut } from './scale-out.ts';
import { type Scenario, signScenario, standardScenarios } from './scenarios.ts';
import { seedPlants } from './seed.ts';
import { median } from './stats.ts';
import { builtInTargets, databaseTargets, pairedReference, type TargetDefinition, warmUp } from './targets.ts';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: 'bare,memory' },
    'no-bulk': { type: 'boolean', default: false },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    'cold-runs': { type: 'string', default: '5' },
    out: { type: 'string' },
    'scale-out': { type: 'string' },
    /** Appended to the database services' NODE_OPTIONS, e.g. "--cpu-prof --cpu-prof-dir=.bench/prof". */
    'node-options': { type: 'string' },
    /** Only the scenarios whose name contains one of these comma-separated texts (profiling one path). */
    scenario: { type: 'string' },
    'no-cold': { type: 'boolean', default: false },
    'cold-log': { type: 'string' },
    /** What the database targets run: the image's bundle (default), or `dist` (tsc output, the image before bundling). */
    artefact: { type: 'string', default: 'bundle' },
    /** A/B of bundle folders of one database target (ab.ts): `before=DIR,after=DIR`. */
    ab: { type: 'string' },
    /** With --ab: compare the variants' cold starts (ab-cold.ts) instead of their CPU under load. */
    'ab-cold': { type: 'boolean', default: false },
    rounds: { type: 'string', default: '4' },
    /** The A/B's request rate (requests/s), the same for every variant. */
    rate: { type: 'string', default: '200' },
  },
});

/**
 * The version check's cost on the hot path: read before every call (strict), and almost never
 * (once a minute), against the default of each service.
 */
const SCHEMA_CHECK_VARIANTS: Record<string, Record<string, string>[]> = {
  spanner: [{ SCHEMA_CHECK_MS: '0' }, { SCHEMA_CHECK_MS: '60000' }],
  firestore: [{ SCHEMA_CHECK_MS: '0' }, { SCHEMA_CHECK_MS: '60000' }],
  // BigQuery allows 0 only for a small deployment (services/bigquery/src/settings.ts).
  bigquery: [{ SCHEMA_CHECK_MS: '0', MAX_INSTANCES: '3', CONCURRENCY: '16' }, { SCHEMA_CHECK_MS: '60000' }],
};

const durationSeconds = Number(values.duration);
const connections = Number(values.connections);
const signer = await createWixSigner({ alg: 'RS256' });
const wanted = new Set(values.targets.split(','));
const repoRoot = join(import.meta.dirname, '..', '..', '..');
const targets = [
  ...builtInTargets(signer.publicKeyPem),
  ...databaseTargets(signer.publicKeyPem, repoRoot, values.artefact === 'dist' ? 'dist' : 'bundle'),
].filter((t) => wanted.has(t.name));
const report: BenchReport = {
  startedAt: new Date().toISOString(),
  machine: { cpus: cpus().length, node: process.version },
  settings: { connections, durationSeconds },
  load: [],
  coldStart: [],
  bulk: [],
  scaleOut: [],
  clientImport: [],
  reference: [],
  failures: [],
};

if (values.ab) {
  const variants = parseVariants(values.ab);
  const [target, ...others] = targets.filter((t) => t.prepare);
  if (!target || others.length > 0) throw new Error('--ab: name exactly one database target with --targets');
  const scenario = standardScenarios(target.collectionId).find((s) =>
    s.name.includes(values.scenario ?? QUERY_SCENARIO),
  );
  if (!scenario) throw new Error(`--ab: no scenario named like '${values.scenario}'`);
  const engine = await (target.prepare as NonNullable<typeof target.prepare>)();
  try {
    if (values['ab-cold']) {
      await coldAb(variants, { ...target.env, ...engine.env }, target.collectionId);
    } else {
      await loadAb(variants, { ...target.env, ...engine.env }, target.name, scenario);
    }
  } finally {
    // Not skipped by an exit in the try: an engine left running loads every later run's machine.
    await engine.stop();
  }
  process.exit(0);
}

/** `--ab` without `--ab-cold`: the variants' CPU per request at one fixed rate, alternated (ab.ts). */
async function loadAb(
  variants: readonly AbVariant[],
  env: Record<string, string>,
  targetName: string,
  scenario: Scenario,
): Promise<void> {
  const rounds = await runAb({
    variants,
    env,
    signer,
    scenario,
    connections,
    durationSeconds,
    rounds: Number(values.rounds),
    rate: Number(values.rate),
    cacheDir: join(repoRoot, '.bench', 'ab-compile-cache'),
    onRound: ({ variant, round, result }) =>
      process.stderr.write(
        `${variant} round ${round}: ${result.requestsPerSecond} req/s, ${result.serverCpuMsPerRequest} ms CPU/req, peak ${result.serverPeakRssMb} MB, non-2xx ${result.non2xx}\n`,
      ),
  });
  process.stdout.write(`A/B of ${targetName}, ${scenario.name} at ${values.rate} requests/s:\n`);
  for (const s of summarize(rounds)) {
    process.stdout.write(
      `  ${s.variant}: CPU ms/req median ${s.cpuMsPerRequest.median} (${s.cpuMsPerRequest.min}–${s.cpuMsPerRequest.max}), ${s.requestsPerSecond} req/s, peak ${s.peakRssMb} MB${s.cheaperRounds === undefined ? '' : `, cheaper than ${variants[0]?.name} in ${s.cheaperRounds} of ${values.rounds} rounds`}\n`,
    );
  }
}

const scaleOut = values['scale-out']?.split(',').map(Number);
for (const target of scaleOut ? targets.filter((t) => t.prepare) : []) {
  const engine = await target.prepare?.();
  try {
    const scenario = standardScenarios(target.collectionId)[1]; // query 50 items
    if (!scenario || !engine) continue;
    const runs = await runScaleOut({
      main: target.args[0] as string,
      env: { ...target.env, ...engine.env },
      signer,
      scenario,
      connections,
      durationSeconds,
      counts: scaleOut ?? [1],
      variants: SCHEMA_CHECK_VARIANTS[target.name] ?? [],
    });
    for (const run of runs) {
      report.scaleOut.push({ target: target.name, scenario: scenario.name, ...run });
      process.stderr.write(
        `${target.name} × ${run.instances} ${JSON.stringify(run.env)}: ${run.result.requestsPerSecond} req/s\n`,
      );
    }
  } finally {
    await engine?.stop();
  }
}

/** One scenario: a 1 s warm-up (JIT, connection pools), then the measured run. */
async function measure(
  url: string,
  pid: number,
  path: string,
  body: string,
  overallRate?: number,
): Promise<LoadResult> {
  await runLoad({ url, path, bodies: [body], connections, durationSeconds: 1 });
  return runLoad({
    url,
    path,
    bodies: [body],
    connections,
    durationSeconds,
    pid,
    ...(overallRate ? { overallRate } : {}),
  });
}

// The memory target as a reference beside every database target: its run of the goal scenarios
// right after the database target's run (goals.ts), so both see the same machine load; one
// reference server per series, with that target's runtime settings (targets.ts pairedReference).
const memoryTarget = targets.find((t) => t.name === 'memory');

/**
 * A cold start as in production: the engine's database or dataset exists by then (the
 * seeding made it), so the local-only "create it when missing" settings are off and the
 * service does not spend a round trip checking.
 */
function productionStart(env: Record<string, string>): Record<string, string> {
  const out = { ...env };
  for (const name of ['SPANNER_EMULATOR_CREATE', 'BIGQUERY_CREATE_DATASET']) if (name in out) out[name] = 'false';
  return out;
}

/** `--ab … --ab-cold`: the variants' cold starts, alternated (ab-cold.ts), on an engine seeded once. */
async function coldAb(
  variants: readonly AbVariant[],
  env: Record<string, string>,
  collectionId: string,
): Promise<void> {
  const seeder = await startServerProcess(process.execPath, [join(variants[0]?.dir ?? '', 'main.mjs')], env);
  try {
    await seedPlants(new WixClient({ baseUrl: seeder.url, signer }));
  } finally {
    await seeder.stop();
  }
  const query = standardScenarios(collectionId).find((s) => s.name === QUERY_SCENARIO);
  if (!query) throw new Error(`no scenario '${QUERY_SCENARIO}'`);
  const rounds = await runColdAb({
    variants,
    env: productionStart(env),
    path: query.path,
    body: await signScenario(signer, query, 3600),
    rounds: Number(values.rounds),
    runs: Number(values['cold-runs']),
    cacheDir: join(repoRoot, '.bench', 'ab-compile-cache'),
    onRound: ({ variant, round, result }) =>
      process.stderr.write(
        `${variant} round ${round}: ${result.runs.join(', ')} ms (median ${result.medianMs}), CPU ${result.cpuToFirstAnswerMs} ms, RSS ${result.rssAfterFirstAnswerMb} MB\n`,
      ),
  });
  process.stdout.write(`Cold-start A/B, ${query.name}:\n`);
  for (const s of summarizeCold(rounds)) {
    process.stdout.write(
      `  ${s.variant}: median ${s.wallMs} ms, CPU to first answer ${s.cpuMs} ms, RSS ${s.rssMb} MB${s.fasterRounds === undefined ? '' : `, faster than ${variants[0]?.name} in ${s.fasterRounds} of ${values.rounds} rounds`}\n`,
    );
  }
}

/**
 * Cold starts of `target` (for a database service alternating with its client's bare import, the
 * yardstick), against an engine that already holds the seeded collection.
 */
async function coldStarts(target: TargetDefinition, env: Record<string, string>): Promise<void> {
  const query = standardScenarios(target.collectionId)[target.baselineOnly ? 0 : 1];
  if (!query || values['no-cold']) return;
  const repeat = Number(values['cold-runs']);
  // For a database service, its client's bare import is the yardstick: one import after each start,
  // so both series see the same drift of the machine's load.
  const importRun = target.client
    ? clientImportRun({ client: target.client.name, dir: target.client.dir, env })
    : undefined;
  const imports: number[] = [];
  const result = await measureColdStart({
    command: target.command,
    args: target.args,
    env: productionStart(env),
    port: 18000 + Math.floor(Math.random() * 1000),
    path: query.path,
    body: await signScenario(signer, query, 600),
    repeat,
    ...(values['cold-log'] ? { logDir: values['cold-log'], name: target.name } : {}),
    ...(importRun ? { between: async () => void imports.push(await importRun()) } : {}),
  });
  report.coldStart.push({ target: target.name, result });
  if (importRun)
    report.clientImport.push({ target: target.name, result: { runs: imports, medianMs: median(imports) } });
}

async function runSeries(target: TargetDefinition): Promise<void> {
  // Database targets get a fresh engine per series (the Spanner emulator slows down with use).
  const engine = target.prepare ? await target.prepare() : undefined;
  const extra = target.client ? values['node-options'] : undefined;
  const env = {
    ...target.env,
    ...engine?.env,
    ...(extra ? { NODE_OPTIONS: `${target.env.NODE_OPTIONS ?? ''} ${extra}`.trim() } : {}),
  };
  try {
    warmUp(target);
    const scenarios = standardScenarios(target.collectionId).filter(
      (s) =>
        (!target.baselineOnly || s.path.endsWith('capabilities/get')) &&
        (!values.scenario || values.scenario.split(',').some((part) => s.name.includes(part))),
    );
    if (target.seed) {
      const seeder = await startServerProcess(target.command, target.args, env);
      try {
        await seedPlants(new WixClient({ baseUrl: seeder.url, signer }));
        // A fresh emulator is a cold JVM (Firestore's answered its first query load at a third of
        // its later rate, and a new client's first query took up to 440 ms after 2 s of reads):
        // every read scenario, unmeasured, so the figures are the service's. Not the inserts:
        // they would change the data the measured scenarios read.
        for (const scenario of scenarios.filter((s) => !s.path.endsWith('/insert'))) {
          const body = await signScenario(signer, scenario, 600);
          await runLoad({ url: seeder.url, path: scenario.path, bodies: [body], connections, durationSeconds: 5 });
        }
      } finally {
        await seeder.stop();
      }
      // Before the load: the Spanner emulator slows with use (a cold start measured after the
      // series read 1.2-1.3x the client import where one on a fresh engine read 0.94).
      await coldStarts(target, env);
    }
    const server = await startServerProcess(target.command, target.args, env);
    const paired = memoryTarget && target.client ? pairedReference(memoryTarget, target) : undefined;
    const reference = paired ? await startServerProcess(paired.command, paired.args, paired.env) : undefined;
    try {
      for (const scenario of scenarios) {
        const body = await signScenario(signer, scenario, (durationSeconds + 1) * 4 + 600);
        const own = () => measure(server.url, server.pid, scenario.path, body);
        if (!reference || ![QUERY_SCENARIO, NO_DATABASE_SCENARIO].includes(scenario.name)) {
          const result = await own();
          report.load.push({ target: target.name, scenario: scenario.name, result });
          process.stderr.write(`${target.name} / ${scenario.name}: ${result.requestsPerSecond} req/s\n`);
          continue;
        }
        // A goal scenario: the target and its memory reference interleaved twice (combineLoads).
        // The query's reference runs at the rate the database target reached (goals.ts, CPU);
        // the no-database call's at full speed (its req/s is what is compared).
        const pair = async () => {
          const result = await own();
          const rate = scenario.name === QUERY_SCENARIO ? Math.max(1, result.requestsPerSecond) : undefined;
          return [result, await measure(reference.url, reference.pid, scenario.path, body, rate)] as const;
        };
        const [first, firstReference] = await pair();
        const [second, secondReference] = await pair();
        const result = combineLoads(first, second);
        report.load.push({ target: target.name, scenario: scenario.name, result });
        report.reference.push({
          target: target.name,
          scenario: scenario.name,
          result: combineLoads(firstReference, secondReference),
        });
        // Each alternation's own CPU per request beside its reference's, so a reader sees how far
        // the two alternations of one run differ before trusting the combined ratio (RESULTS.md).
        const cpu = (own: LoadResult, ref: LoadResult) =>
          `${own.serverCpuMsPerRequest ?? '?'} / ${ref.serverCpuMsPerRequest ?? '?'} ms`;
        process.stderr.write(
          `${target.name} / ${scenario.name}: ${first.requestsPerSecond}, ${second.requestsPerSecond} req/s (memory ${firstReference.requestsPerSecond}, ${secondReference.requestsPerSecond}); CPU per request ${cpu(first, firstReference)}, then ${cpu(second, secondReference)}\n`,
        );
      }
    } finally {
      await server.stop();
      await reference?.stop();
    }
    if (target.prepare && !values['no-bulk']) {
      // Bulk timings on a fresh engine and server: the Spanner emulator slows down with use.
      const fresh = await target.prepare();
      const bulkServer = await startServerProcess(target.command, target.args, { ...target.env, ...fresh.env });
      try {
        for (const result of await runBulk(new WixClient({ baseUrl: bulkServer.url, signer }))) {
          report.bulk.push({ target: target.name, result });
          process.stderr.write(`${target.name} / ${result.name}: ${result.ms} ms\n`);
        }
      } catch (error) {
        // The other targets' series still run.
        const message = error instanceof Error ? error.message : String(error);
        report.failures.push({ target: `${target.name} (bulk)`, error: message.slice(0, 500) });
      } finally {
        await bulkServer.stop();
        await fresh.stop();
      }
    }
    if (!target.seed) await coldStarts(target, env);
  } finally {
    await engine?.stop();
  }
}

for (const target of scaleOut ? [] : targets) {
  try {
    await runSeries(target);
  } catch (error) {
    // One engine failing (e.g. an emulator that does not start) does not lose the others' figures.
    const message = error instanceof Error ? error.message : String(error);
    report.failures.push({ target: target.name, error: message.slice(0, 500) });
    process.stderr.write(`${target.name}: FAILED ${message}\n`);
  }
}

process.stdout.write(`${printReport(report)}\n`);
const out = values.out ?? join(process.cwd(), '.bench', `bench-${report.startedAt.replace(/[:.]/g, '-')}.json`);
writeReport(out, report);
process.stdout.write(`\nwritten to ${out}\n`);
