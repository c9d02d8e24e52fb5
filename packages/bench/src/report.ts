/** Prints results as a table and writes them as JSON. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { BulkResult } from './bulk.ts';
import type { ColdStartResult } from './cold-start.ts';
import { evaluateGoals, printGoals } from './goals.ts';
import type { LoadResult } from './load.ts';

export interface BenchReport {
  readonly startedAt: string;
  readonly machine: { readonly cpus: number; readonly node: string };
  readonly settings: { readonly connections: number; readonly durationSeconds: number };
  readonly load: { target: string; scenario: string; result: LoadResult }[];
  readonly coldStart: { target: string; result: ColdStartResult }[];
  /** Per database target: a bare import of its Google client (the cold-start yardstick). */
  readonly clientImport: { target: string; result: { runs: readonly number[]; medianMs: number } }[];
  /** The memory target's run of a scenario right after a database target's (goals.ts pairs them). */
  readonly reference: { target: string; scenario: string; result: LoadResult }[];
  /** Errors that ended a target's series (the others still run). */
  readonly failures: { target: string; error: string }[];
  readonly bulk: { target: string; result: BulkResult }[];
  /** Instances on one engine (scale-out.ts). */
  readonly scaleOut: {
    target: string;
    scenario: string;
    instances: number;
    env: Record<string, string>;
    result: LoadResult;
  }[];
}

export function printReport(report: BenchReport): string {
  const rows = [
    ['target', 'scenario', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'server CPU ms/req', 'peak RSS MB'],
    ...report.load.map(({ target, scenario, result }) => [
      target,
      scenario,
      String(result.requestsPerSecond),
      String(result.latencyP50Ms),
      String(result.latencyP99Ms),
      String(result.errors),
      String(result.non2xx),
      String(result.serverCpuMsPerRequest ?? ''),
      String(result.serverPeakRssMb ?? ''),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join('  '));
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('  '));
  for (const { target, scenario, instances, env, result } of report.scaleOut) {
    const settings = Object.entries(env)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    lines.push(
      `${target} × ${instances} instance${instances === 1 ? '' : 's'}${settings ? ` (${settings})` : ''}: ${scenario}: ${result.requestsPerSecond} req/s, p99 ${result.latencyP99Ms} ms, ${result.errors} errors, ${result.non2xx} non-2xx`,
    );
  }
  for (const { target, result } of report.bulk) {
    lines.push(`${target}: ${result.name}: ${result.ms} ms (${result.itemsPerSecond} items/s)`);
  }
  for (const { target, scenario, result } of report.reference) {
    lines.push(
      `memory, right after ${target}: ${scenario}: ${result.requestsPerSecond} req/s, ${result.serverCpuMsPerRequest ?? ''} ms CPU/req`,
    );
  }
  for (const { target, result } of report.coldStart) {
    lines.push(
      '',
      `cold start (${target}): median ${result.medianMs} ms, min ${result.minMs} ms over ${result.runs.length} runs; RSS after first answer ${result.rssAfterFirstAnswerMb} MB; server CPU to the first answer ${result.cpuToFirstAnswerMs} ms (median)`,
    );
  }
  for (const { target, result } of report.clientImport) {
    lines.push(`bare import of ${target}'s client: median ${result.medianMs} ms (${result.runs.join(', ')})`);
  }
  for (const { target, error } of report.failures) lines.push(`FAILED ${target}: ${error}`);
  const goals = printGoals(evaluateGoals(report));
  if (goals) lines.push('', goals);
  return lines.join('\n');
}

export function writeReport(path: string, report: BenchReport): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(report, null, 2)}\n`);
}
