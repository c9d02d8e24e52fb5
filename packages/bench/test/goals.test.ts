/** The goal columns are computed from the report's paired figures, with the bounds of src/goals.ts. */
import { expect, test } from 'vitest';
import { evaluateGoals, NO_DATABASE_SCENARIO, printGoals, QUERY_SCENARIO } from '../src/goals.ts';
import type { LoadResult } from '../src/load.ts';
import type { BenchReport } from '../src/report.ts';

const load = (requestsPerSecond: number, serverCpuMsPerRequest: number, serverPeakRssMb: number): LoadResult => ({
  requests: requestsPerSecond * 10,
  requestsPerSecond,
  latencyP50Ms: 1,
  latencyP99Ms: 2,
  errors: 0,
  non2xx: 0,
  serverCpuMsPerRequest,
  serverPeakRssMb,
});

function report(
  target: string,
  own: { cold: number; rss: number; cpu: number; rps: number; peak: number },
): BenchReport {
  return {
    startedAt: '2026-12-03T00:00:00Z',
    machine: { cpus: 2, node: 'v24' },
    settings: { connections: 50, durationSeconds: 10 },
    load: [
      { target, scenario: NO_DATABASE_SCENARIO, result: load(own.rps, 0.2, own.peak) },
      { target, scenario: QUERY_SCENARIO, result: load(50, own.cpu, own.peak - 10) },
    ],
    reference: [
      { target, scenario: NO_DATABASE_SCENARIO, result: load(1000, 0.15, 90) },
      { target, scenario: QUERY_SCENARIO, result: load(500, 1, 90) },
    ],
    coldStart: [
      {
        target,
        result: {
          runs: [own.cold],
          medianMs: own.cold,
          minMs: own.cold,
          rssAfterFirstAnswerMb: own.rss,
          cpuToFirstAnswerMs: 0,
        },
      },
    ],
    clientImport: [{ target, result: { runs: [500], medianMs: 500 } }],
    bulk: [],
    scaleOut: [],
    failures: [],
  };
}

test('every goal passes at its bound and fails just past it', () => {
  const atBounds = evaluateGoals(report('spanner', { cold: 500, rss: 110, cpu: 3, rps: 900, peak: 200 }));
  expect(atBounds[0]?.checks.map((c) => [c.name, c.pass])).toEqual([
    ['cold start ÷ client import', true],
    ['idle RSS', true],
    ['peak RSS under load', true],
    ['CPU per query ÷ memory', true],
    ['no-database req/s ÷ memory', true],
  ]);
  const past = evaluateGoals(report('spanner', { cold: 501, rss: 111, cpu: 3.01, rps: 899, peak: 201 }));
  expect(past[0]?.checks.every((c) => !c.pass)).toBe(true);
  expect(printGoals(past)).toContain('5 fail');
});

test("Firestore may spend four times the memory target's CPU per query", () => {
  const [firestore] = evaluateGoals(report('firestore', { cold: 400, rss: 90, cpu: 4, rps: 950, peak: 150 }));
  expect(firestore?.checks.find((c) => c.name === 'CPU per query ÷ memory')?.pass).toBe(true);
  expect(printGoals([firestore as NonNullable<typeof firestore>])).toContain('every mark passes');
});

test('no load scenario ran (a --scenario matching none): no peak RSS mark rather than a pass', () => {
  const only = report('bigquery', { cold: 400, rss: 90, cpu: 2, rps: 950, peak: 150 });
  const [bigquery] = evaluateGoals({ ...only, load: [], reference: [] });
  expect(bigquery?.checks.map((c) => c.name)).toEqual(['cold start ÷ client import', 'idle RSS']);
});
