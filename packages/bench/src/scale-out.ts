/**
 * Scale-out (packages/core/SCALING.md): the same service as 1 and as N
 * instances on one engine (testkit's startServiceCluster, the processes the
 * multi-instance suite runs), the load spread over the instances as Cloud
 * Run's balancer would: one autocannon per instance, the connections split
 * evenly, all at once. Reports total req/s and errors per instance count,
 * and the same query at the largest count with other schema-check settings
 * (`variants`: read before every call, or almost never), which is the
 * version check's cost on the hot path.
 */
import { startServiceCluster, type WixClient, type WixSigner } from '@adaptors/testkit';
import { type LoadResult, runLoad } from './load.ts';
import { type Scenario, signScenario } from './scenarios.ts';
import { seedPlants } from './seed.ts';

export interface ScaleOutRun {
  readonly instances: number;
  /** Settings added to the defaults (e.g. SCHEMA_CHECK_MS=0). */
  readonly env: Record<string, string>;
  readonly result: LoadResult;
}

export interface ScaleOutOptions {
  readonly main: string;
  readonly env: Record<string, string>;
  readonly signer: WixSigner;
  readonly scenario: Scenario;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Instance counts to measure, e.g. [1, 3]. */
  readonly counts: readonly number[];
  /** Extra runs at the largest count with these settings (schema-check intervals). */
  readonly variants: readonly Record<string, string>[];
}

export async function runScaleOut(options: ScaleOutOptions): Promise<ScaleOutRun[]> {
  const runs: ScaleOutRun[] = [];
  const largest = Math.max(...options.counts);
  const plan = [
    ...options.counts.map((instances) => ({ instances, env: {} as Record<string, string> })),
    ...options.variants.map((env) => ({ instances: largest, env })),
  ];
  let seeded = false;
  for (const { instances, env } of plan) {
    const cluster = await startServiceCluster({
      main: options.main,
      instances,
      signer: options.signer,
      env: { ...options.env, ...env },
    });
    try {
      const body = await signScenario(options.signer, options.scenario, 3 * options.durationSeconds + 600);
      const each = Math.max(1, Math.round(options.connections / instances));
      const load = (durationSeconds: number, pid?: boolean) =>
        Promise.all(
          cluster.processes.map((p) =>
            runLoad({
              url: p.url,
              path: options.scenario.path,
              bodies: [body],
              connections: each,
              durationSeconds,
              ...(pid ? { pid: p.pid } : {}),
            }),
          ),
        );
      if (!seeded) {
        await seedPlants(cluster.clients[0] as WixClient);
        seeded = true;
        // The engine's own warm-up (the emulators run on a JIT: measured, a Firestore emulator answers
        // several times faster after its first minute), so the first configuration is not penalised.
        await load(2 * options.durationSeconds);
      }
      await load(1); // warm-up: JIT and connection pools in their steady state
      const results = await load(options.durationSeconds, true);
      runs.push({ instances, env, result: combine(results) });
    } finally {
      await cluster.stop();
    }
  }
  return runs;
}

/** Per-instance results as one: requests and errors add up; latency is the worst instance's. */
function combine(results: readonly LoadResult[]): LoadResult {
  const sum = (pick: (r: LoadResult) => number) => results.reduce((total, r) => total + pick(r), 0);
  const cpu = results.map((r) => r.serverCpuMsPerRequest).filter((v): v is number => v !== undefined);
  return {
    requests: sum((r) => r.requests),
    requestsPerSecond: sum((r) => r.requestsPerSecond),
    latencyP50Ms: Math.max(...results.map((r) => r.latencyP50Ms)),
    latencyP99Ms: Math.max(...results.map((r) => r.latencyP99Ms)),
    errors: sum((r) => r.errors),
    non2xx: sum((r) => r.non2xx),
    ...(cpu.length > 0 ? { serverCpuMsPerRequest: Math.max(...cpu) } : {}),
  };
}
