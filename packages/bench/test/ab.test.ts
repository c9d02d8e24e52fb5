/**
 * The A/B mode's parsing and summary (src/ab.ts): which variant is which, and what the
 * summary says of rounds given to it — no timing is measured here.
 */
import { describe, expect, test } from 'vitest';
import { type AbRound, alternate, parseVariants, roundOrder, summarize } from '../src/ab.ts';
import { type ColdAbRound, summarizeCold } from '../src/ab-cold.ts';
import type { LoadResult } from '../src/load.ts';
import { median } from '../src/stats.ts';

const load = (cpu: number, rps: number, rss: number): LoadResult =>
  ({
    requests: rps * 8,
    requestsPerSecond: rps,
    latencyP50Ms: 1,
    latencyP99Ms: 2,
    errors: 0,
    non2xx: 0,
    serverCpuMsPerRequest: cpu,
    serverPeakRssMb: rss,
  }) as LoadResult;

describe('A/B of bundles', () => {
  test('variants are name=dir pairs, at least two, with names of their own', () => {
    expect(parseVariants('before=/tmp/a,after=/tmp/b=c|--max-semi-space-size=16|--no-opt')).toEqual([
      { name: 'before', dir: '/tmp/a', nodeArgs: [] },
      { name: 'after', dir: '/tmp/b=c', nodeArgs: ['--max-semi-space-size=16', '--no-opt'] },
    ]);
    expect(() => parseVariants('/tmp/a,/tmp/b')).toThrow(/name=dir/);
    expect(() => parseVariants('a=/tmp/a')).toThrow(/at least two/);
    expect(() => parseVariants('a=/x,a=/y')).toThrow(/must differ/);
  });

  test('each round starts one variant later, so no variant always has the same place', async () => {
    expect(roundOrder(['a', 'b', 'c'], 1)).toEqual(['a', 'b', 'c']);
    expect(roundOrder(['a', 'b', 'c'], 2)).toEqual(['b', 'c', 'a']);
    expect(roundOrder(['a', 'b', 'c'], 4)).toEqual(['a', 'b', 'c']);
    const variants = ['a', 'b'].map((name) => ({ name, dir: `/tmp/${name}`, nodeArgs: [] }));
    const seen: string[] = [];
    const rounds = await alternate(
      { variants, rounds: 3, env: {}, cacheDir: '/tmp/unused' },
      async (variant, round) => {
        seen.push(`${variant.name}${round}`);
        return round;
      },
    );
    expect(seen).toEqual(['a1', 'b1', 'b2', 'a2', 'a3', 'b3']);
    expect(rounds.map((r) => `${r.variant}${r.round}`)).toEqual(seen);
  });

  test('the summary: medians per variant, its range, peak RSS, and rounds cheaper than the first variant', () => {
    const rounds: AbRound[] = [
      { variant: 'before', round: 1, result: load(3.0, 200, 140) },
      { variant: 'after', round: 1, result: load(2.4, 201, 128) },
      { variant: 'before', round: 2, result: load(2.8, 199, 144) },
      { variant: 'after', round: 2, result: load(2.9, 198, 130) },
      { variant: 'before', round: 3, result: load(4.5, 150, 143) },
      { variant: 'after', round: 3, result: load(3.2, 170, 129) },
    ];
    expect(summarize(rounds)).toEqual([
      {
        variant: 'before',
        cpuMsPerRequest: { median: 3.0, min: 2.8, max: 4.5 },
        requestsPerSecond: 199,
        peakRssMb: 144,
      },
      {
        variant: 'after',
        cpuMsPerRequest: { median: 2.9, min: 2.4, max: 3.2 },
        requestsPerSecond: 198,
        peakRssMb: 130,
        cheaperRounds: 2,
      },
    ]);
  });

  test('the cold-start summary: median start over every run, median CPU to the first answer, highest RSS, faster rounds', () => {
    const cold = (runs: number[], cpu: number, rss: number) => ({
      runs,
      medianMs: median(runs),
      minMs: Math.min(...runs),
      rssAfterFirstAnswerMb: rss,
      cpuToFirstAnswerMs: cpu,
    });
    const rounds: ColdAbRound[] = [
      { variant: 'before', round: 1, result: cold([500, 520, 540], 510, 93) },
      { variant: 'after', round: 1, result: cold([480, 470, 700], 490, 88) },
      { variant: 'before', round: 2, result: cold([450, 460, 470], 480, 92) },
      { variant: 'after', round: 2, result: cold([490, 495, 499], 500, 89) },
    ];
    expect(summarizeCold(rounds)).toEqual([
      { variant: 'before', wallMs: 500, cpuMs: 510, rssMb: 93 },
      { variant: 'after', wallMs: 495, cpuMs: 500, rssMb: 89, fasterRounds: 1 },
    ]);
  });

  test('the median is the middle value, the upper one of an even count', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([])).toBeNaN();
    expect(median([], 0)).toBe(0);
  });
});
