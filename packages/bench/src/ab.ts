/**
 * A/B of builds of one service (`--ab before=DIR,after=DIR`): each variant is a
 * bundle folder (a copy of `services/<name>/bundle` made before and after a
 * change; `DIR|--flag` adds a Node option, to compare runtime settings), run as
 * the image runs it, on one engine, in alternating rounds at one fixed request
 * rate, so the machine's drift weighs on every variant alike and the CPU per
 * request is compared at the same rate (the CPU goal's rule, README "Goals").
 * A change is judged by the medians and by whether every round pair moves the
 * same way: on a shared machine, single runs differ by more than most changes
 * (packages/bench/RESULTS.md).
 */
import { join } from 'node:path';
import { startServerProcess, WixClient, type WixSigner } from '@adaptors/testkit';
import { type LoadResult, runLoad } from './load.ts';
import { type Scenario, signScenario } from './scenarios.ts';
import { seedPlants } from './seed.ts';
import { median } from './stats.ts';

export interface AbVariant {
  readonly name: string;
  /** A bundle folder (holding main.mjs). */
  readonly dir: string;
  /** Node options before main.mjs (after the image's NODE_OPTIONS, so they win), e.g. a V8 heap setting. */
  readonly nodeArgs: readonly string[];
}

/** One variant's result in one round (R: a load's figures, or a round of cold starts: ab-cold.ts). */
export interface AbRound<R = LoadResult> {
  readonly variant: string;
  readonly round: number;
  readonly result: R;
}

/** What every A/B of variants takes, whatever it measures. */
export interface AbRunOptions<R> {
  readonly variants: readonly AbVariant[];
  /** The service's env (image settings, the engine's env); NODE_COMPILE_CACHE is set per variant. */
  readonly env: Record<string, string>;
  readonly rounds: number;
  /** Where each variant's compile cache is kept. */
  readonly cacheDir: string;
  readonly onRound?: (round: AbRound<R>) => void;
}

/** Each variant's rounds, in the order the variants first appear (the first is the baseline). */
export function byVariant<R>(rounds: readonly AbRound<R>[]): Map<string, AbRound<R>[]> {
  const out = new Map<string, AbRound<R>[]>();
  for (const r of rounds) {
    const own = out.get(r.variant);
    if (own) own.push(r);
    else out.set(r.variant, [r]);
  }
  return out;
}

/**
 * For each variant after the first: in how many rounds `metric` was lower than the first
 * variant's in the same round.
 */
export function lowerRounds<R>(rounds: readonly AbRound<R>[], metric: (result: R) => number): Map<string, number> {
  const [[, base] = ['', []], ...others] = byVariant(rounds);
  const baseline = new Map(base.map((b) => [b.round, metric(b.result)]));
  const out = new Map<string, number>();
  for (const [name, own] of others) {
    out.set(name, own.filter((r) => metric(r.result) < (baseline.get(r.round) ?? Number.NaN)).length);
  }
  return out;
}

export interface AbOptions extends AbRunOptions<LoadResult> {
  readonly signer: WixSigner;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Requests per second, all variants alike: below what the slowest variant reaches. */
  readonly rate: number;
}

/** `name=dir,name=dir|--node-option` → variants; names must differ. */
export function parseVariants(text: string): AbVariant[] {
  const variants = text.split(',').map((part) => {
    const at = part.indexOf('=');
    if (at <= 0 || at === part.length - 1) throw new Error(`--ab: expected name=dir, got '${part}'`);
    const [dir, ...nodeArgs] = part.slice(at + 1).split('|');
    return { name: part.slice(0, at), dir: dir as string, nodeArgs };
  });
  if (variants.length < 2) throw new Error('--ab: give at least two variants (name=dir,name=dir)');
  if (new Set(variants.map((v) => v.name)).size !== variants.length) throw new Error('--ab: variant names must differ');
  return variants;
}

export async function runAb(options: AbOptions): Promise<AbRound[]> {
  const body = await signScenario(options.signer, options.scenario, 3600);
  return alternate(options, async (variant, round) => {
    const server = await startServerProcess(process.execPath, [...variant.nodeArgs, join(variant.dir, 'main.mjs')], {
      ...options.env,
      NODE_COMPILE_CACHE: join(options.cacheDir, variant.name),
    });
    try {
      if (round === 1 && variant === options.variants[0]) {
        // The engine starts empty; an unmeasured run warms it (an emulator's JVM).
        await seedPlants(new WixClient({ baseUrl: server.url, signer: options.signer }));
        await runLoad({
          url: server.url,
          path: options.scenario.path,
          bodies: [body],
          connections: 50,
          durationSeconds: 5,
        });
      }
      const load = { url: server.url, path: options.scenario.path, bodies: [body], overallRate: options.rate };
      await runLoad({ ...load, connections: options.connections, durationSeconds: 2 });
      return await runLoad({
        ...load,
        connections: options.connections,
        durationSeconds: options.durationSeconds,
        pid: server.pid,
      });
    } finally {
      await server.stop();
    }
  });
}

/**
 * Measures each variant in turn, round after round (so drift weighs on all alike), reporting each
 * result as it comes. Each round starts one variant later than the one before (A B, then B A):
 * in one order every round, the first variant read cheaper than a copy of itself measured after
 * it (packages/bench/RESULTS.md, twenty-second round), a place in the order and not a variant.
 */
export async function alternate<R>(
  options: AbRunOptions<R>,
  measure: (variant: AbVariant, round: number) => Promise<R>,
): Promise<AbRound<R>[]> {
  const rounds: AbRound<R>[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const variant of roundOrder(options.variants, round)) {
      const entry = { variant: variant.name, round, result: await measure(variant, round) };
      rounds.push(entry);
      options.onRound?.(entry);
    }
  }
  return rounds;
}

/** The order of one round: the variants rotated by the round's number (round 1 as given). */
export function roundOrder<V>(variants: readonly V[], round: number): V[] {
  const shift = variants.length === 0 ? 0 : (round - 1) % variants.length;
  return [...variants.slice(shift), ...variants.slice(0, shift)];
}

export interface AbSummary {
  readonly variant: string;
  readonly cpuMsPerRequest: { readonly median: number; readonly min: number; readonly max: number };
  readonly requestsPerSecond: number;
  readonly peakRssMb: number;
  /** Rounds in which this variant spent less CPU per request than the first variant (undefined for the first). */
  readonly cheaperRounds?: number;
}

export function summarize(rounds: readonly AbRound[]): AbSummary[] {
  const cheaper = lowerRounds(rounds, (result) => result.serverCpuMsPerRequest ?? Number.NaN);
  return [...byVariant(rounds)].map(([name, own]) => {
    const cpu = own.map((r) => r.result.serverCpuMsPerRequest ?? Number.NaN).sort((a, b) => a - b);
    const cheaperRounds = cheaper.get(name);
    return {
      variant: name,
      cpuMsPerRequest: { median: median(cpu), min: cpu[0] ?? Number.NaN, max: cpu[cpu.length - 1] ?? Number.NaN },
      requestsPerSecond: median(own.map((r) => r.result.requestsPerSecond)),
      peakRssMb: Math.max(...own.map((r) => r.result.serverPeakRssMb ?? 0)),
      ...(cheaperRounds === undefined ? {} : { cheaperRounds }),
    };
  });
}
