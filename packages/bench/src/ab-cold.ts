/**
 * A/B of cold starts (`--ab before=DIR,after=DIR --ab-cold`): each variant's compile
 * cache is baked by its own `warm-cache.mjs` (as the image's build does), run with the
 * variant's Node options (`DIR|--flag`), then the
 * variants start in alternating rounds of `--cold-runs` spawns each against one
 * engine, so the machine's drift weighs on every variant alike. A start's wall time
 * and its CPU time up to the first answer (cold-start.ts) are compared by medians
 * and by the rounds in which a variant was faster than the first.
 */
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { type AbRound, type AbRunOptions, type AbVariant, alternate, byVariant, lowerRounds } from './ab.ts';
import { type ColdStartResult, measureColdStart } from './cold-start.ts';
import { median } from './stats.ts';

export type ColdAbRound = AbRound<ColdStartResult>;

export interface ColdAbOptions extends AbRunOptions<ColdStartResult> {
  readonly path: string;
  readonly body: string;
  /** Starts per variant per round. */
  readonly runs: number;
}

export async function runColdAb(options: ColdAbOptions): Promise<ColdAbRound[]> {
  const cacheOf = (variant: AbVariant) => join(options.cacheDir, `cold-${variant.name}`);
  for (const variant of options.variants) {
    rmSync(cacheOf(variant), { recursive: true, force: true });
    // With the variant's own Node options: V8 keys its code cache by its flags, so a cache baked
    // without them would be rejected and every start of the variant would compile from source.
    const baked = spawnSync(process.execPath, [...variant.nodeArgs, join(variant.dir, 'warm-cache.mjs')], {
      env: { ...process.env, ...options.env, NODE_COMPILE_CACHE: cacheOf(variant) },
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    if (baked.status !== 0) throw new Error(`warm-up of ${variant.name} failed: ${baked.stderr.slice(-2000)}`);
  }
  return alternate(options, (variant) =>
    measureColdStart({
      command: process.execPath,
      args: [...variant.nodeArgs, join(variant.dir, 'main.mjs')],
      env: { ...options.env, NODE_COMPILE_CACHE: cacheOf(variant) },
      port: 18000 + Math.floor(Math.random() * 1000),
      path: options.path,
      body: options.body,
      repeat: options.runs,
    }),
  );
}

export interface ColdAbSummary {
  readonly variant: string;
  /** Median over every start of the variant. */
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly rssMb: number;
  /** Rounds whose median start was faster than the first variant's (undefined for the first). */
  readonly fasterRounds?: number;
}

export function summarizeCold(rounds: readonly ColdAbRound[]): ColdAbSummary[] {
  const faster = lowerRounds(rounds, (result) => result.medianMs);
  return [...byVariant(rounds)].map(([name, own]) => {
    const fasterRounds = faster.get(name);
    return {
      variant: name,
      wallMs: median(own.flatMap((r) => r.result.runs)),
      cpuMs: median(own.map((r) => r.result.cpuToFirstAnswerMs)),
      rssMb: Math.max(...own.map((r) => r.result.rssAfterFirstAnswerMb)),
      ...(fasterRounds === undefined ? {} : { fasterRounds }),
    };
  });
}
