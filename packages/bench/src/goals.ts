/**
 * The lean-runtime goals of a database service, each a ratio or a bound read in
 * the same bench run so the machine's noise cancels (packages/bench/README.md,
 * "Goals"): cold start against a bare import of the service's Google client,
 * memory with the image's settings, server CPU per 50-item query and the
 * req/s of a call that touches no database, both against the memory target
 * under the same runtime settings, interleaved with the database target (cli.ts);
 * the query's reference at the rate the database target reached, so the two CPU
 * figures are read at the same load.
 */
import type { BenchReport } from './report.ts';

export const GOALS = {
  /** Spawn → first signed 200 on a 50-item query ÷ bare `import('<client>')`. */
  coldStartRatio: 1.0,
  idleRssMb: 110,
  peakRssMb: 200,
  /** Server CPU per answered 50-item query ÷ the memory target's at the same request rate. */
  cpuRatio: { spanner: 3, bigquery: 3, firestore: 4 } as Record<string, number>,
  /** Signed call touching no database: req/s ÷ the memory target's. */
  idleOverheadRatio: 0.9,
} as const;

export const QUERY_SCENARIO = 'query 50 items';
export const NO_DATABASE_SCENARIO = 'signed, no database (capabilities/get)';

export interface GoalCheck {
  readonly name: string;
  /** What was measured, as printed (e.g. "412 / 530 ms = 0.78"). */
  readonly measured: string;
  readonly value: number;
  readonly bound: string;
  readonly pass: boolean;
}

export interface TargetGoals {
  readonly target: string;
  readonly checks: readonly GoalCheck[];
}

/** Three decimals, so a ratio just past its bound (0.8999) does not print as the bound itself. */
const round3 = (n: number) => Math.round(n * 1000) / 1000;

export function evaluateGoals(report: BenchReport): TargetGoals[] {
  const out: TargetGoals[] = [];
  for (const { target, result: cold } of report.coldStart) {
    const yardstick = report.clientImport.find((c) => c.target === target)?.result;
    if (!yardstick) continue; // bare and memory have no client
    const checks: GoalCheck[] = [];
    const coldRatio = cold.medianMs / yardstick.medianMs;
    checks.push({
      name: 'cold start ÷ client import',
      measured: `${cold.medianMs} / ${yardstick.medianMs} ms = ${round3(coldRatio)}`,
      value: coldRatio,
      bound: `≤ ${GOALS.coldStartRatio}`,
      pass: coldRatio <= GOALS.coldStartRatio,
    });
    checks.push({
      name: 'idle RSS',
      measured: `${cold.rssAfterFirstAnswerMb} MB`,
      value: cold.rssAfterFirstAnswerMb,
      bound: `≤ ${GOALS.idleRssMb} MB`,
      pass: cold.rssAfterFirstAnswerMb <= GOALS.idleRssMb,
    });
    const loads = report.load.filter((l) => l.target === target);
    // No mark without a load that sampled the RSS (`--scenario` matching none of them): the
    // maximum of nothing is -Infinity, which would read as a pass.
    const peaks = loads.flatMap((l) => (l.result.serverPeakRssMb === undefined ? [] : [l.result.serverPeakRssMb]));
    if (peaks.length > 0) {
      const peak = Math.max(...peaks);
      checks.push({
        name: 'peak RSS under load',
        measured: `${peak} MB`,
        value: peak,
        bound: `≤ ${GOALS.peakRssMb} MB`,
        pass: peak <= GOALS.peakRssMb,
      });
    }
    const paired = (scenario: string) => ({
      own: loads.find((l) => l.scenario === scenario)?.result,
      memory: report.reference.find((r) => r.target === target && r.scenario === scenario)?.result,
    });
    const query = paired(QUERY_SCENARIO);
    const cpuBound = GOALS.cpuRatio[target] ?? 3;
    if (query.own?.serverCpuMsPerRequest && query.memory?.serverCpuMsPerRequest) {
      const ratio = query.own.serverCpuMsPerRequest / query.memory.serverCpuMsPerRequest;
      checks.push({
        name: 'CPU per query ÷ memory',
        measured: `${query.own.serverCpuMsPerRequest} / ${query.memory.serverCpuMsPerRequest} ms = ${round3(ratio)}`,
        value: ratio,
        bound: `≤ ${cpuBound}`,
        pass: ratio <= cpuBound,
      });
    }
    const idle = paired(NO_DATABASE_SCENARIO);
    if (idle.own && idle.memory) {
      const ratio = idle.own.requestsPerSecond / idle.memory.requestsPerSecond;
      checks.push({
        name: 'no-database req/s ÷ memory',
        measured: `${idle.own.requestsPerSecond} / ${idle.memory.requestsPerSecond} = ${round3(ratio)}`,
        value: ratio,
        bound: `≥ ${GOALS.idleOverheadRatio}`,
        pass: ratio >= GOALS.idleOverheadRatio,
      });
    }
    out.push({ target, checks });
  }
  return out;
}

/** One row per database target, one column per goal: "measured ✓" or "measured ✗ (bound)". */
export function printGoals(goals: readonly TargetGoals[]): string {
  if (goals.length === 0) return '';
  const names = [...new Set(goals.flatMap((g) => g.checks.map((c) => c.name)))];
  const rows = [
    ['target', ...names],
    ...goals.map((g) => [
      g.target,
      ...names.map((name) => {
        const check = g.checks.find((c) => c.name === name);
        return check ? `${check.measured} ${check.pass ? 'PASS' : `FAIL (${check.bound})`}` : 'not measured';
      }),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = rows.map((r) => `| ${r.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`);
  lines.splice(1, 0, `| ${widths.map((w) => '-'.repeat(w)).join(' | ')} |`);
  const failed = goals.flatMap((g) => g.checks.filter((c) => !c.pass).map((c) => `${g.target}: ${c.name}`));
  const bounds = Object.entries(GOALS)
    .map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
    .join(', ');
  lines.push(
    '',
    `goals (${bounds}): ${failed.length === 0 ? 'every mark passes' : `${failed.length} fail: ${failed.join('; ')}`}`,
  );
  return lines.join('\n');
}
