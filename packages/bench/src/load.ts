/**
 * One load scenario against a running adaptor: autocannon posting Wix-signed
 * bodies (the token is the raw body, docs/protocol.md §2.1), with the server's CPU
 * time and peak RSS read from /proc during the run.
 */
import autocannon from 'autocannon';
import { cpuMs, sampleRss } from './proc.ts';

export interface LoadOptions {
  readonly url: string;
  readonly path: string;
  /** Signed bodies, cycled through (one is enough when the body may repeat). */
  readonly bodies: readonly string[];
  readonly connections: number;
  readonly durationSeconds: number;
  /** Server process to measure. */
  readonly pid?: number;
  /**
   * Requests per second across all connections (autocannon's `overallRate`); unset: as fast
   * as the server answers. The CPU goal's reference runs at the database target's rate
   * (goals.ts: a server answering 60 req/s spends more CPU per request than one answering
   * 3,000, whatever it does per request).
   */
  readonly overallRate?: number;
}

export interface LoadResult {
  readonly requests: number;
  readonly requestsPerSecond: number;
  readonly latencyP50Ms: number;
  readonly latencyP99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
  readonly serverCpuMsPerRequest?: number;
  readonly serverPeakRssMb?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  let next = 0;
  const cpuBefore = options.pid ? cpuMs(options.pid) : 0;
  const rss = options.pid ? sampleRss(options.pid) : undefined;
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.durationSeconds,
    ...(options.overallRate ? { overallRate: options.overallRate } : {}),
    requests: [
      {
        method: 'POST',
        path: options.path,
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => {
          request.body = options.bodies[next++ % options.bodies.length];
          return request;
        },
      },
    ],
  });
  const peak = rss?.stop();
  const requests = result.requests.total;
  const cpuAfter = options.pid ? cpuMs(options.pid) : 0;
  return {
    requests,
    requestsPerSecond: Math.round(result.requests.average),
    latencyP50Ms: result.latency.p50,
    latencyP99Ms: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
    ...(options.pid && requests > 0
      ? { serverCpuMsPerRequest: Math.round(((cpuAfter - cpuBefore) / requests) * 1000) / 1000 }
      : {}),
    ...(peak !== undefined ? { serverPeakRssMb: Math.round(peak) } : {}),
  };
}

/**
 * Two runs of one scenario on one server as one figure: requests and errors added, the
 * request rate and median latency averaged, CPU per request over all requests, the worse
 * p99 and the higher peak RSS. The goal columns interleave the database target and its
 * memory reference (target, reference, target, reference: cli.ts), so a machine whose load
 * drifts during the pair weighs on both sides alike.
 */
export function combineLoads(a: LoadResult, b: LoadResult): LoadResult {
  const requests = a.requests + b.requests;
  const cpu =
    a.serverCpuMsPerRequest !== undefined && b.serverCpuMsPerRequest !== undefined && requests > 0
      ? (a.serverCpuMsPerRequest * a.requests + b.serverCpuMsPerRequest * b.requests) / requests
      : undefined;
  const peak = Math.max(a.serverPeakRssMb ?? Number.NaN, b.serverPeakRssMb ?? Number.NaN);
  return {
    requests,
    requestsPerSecond: Math.round((a.requestsPerSecond + b.requestsPerSecond) / 2),
    latencyP50Ms: (a.latencyP50Ms + b.latencyP50Ms) / 2,
    latencyP99Ms: Math.max(a.latencyP99Ms, b.latencyP99Ms),
    errors: a.errors + b.errors,
    non2xx: a.non2xx + b.non2xx,
    ...(cpu !== undefined ? { serverCpuMsPerRequest: Math.round(cpu * 1000) / 1000 } : {}),
    ...(Number.isNaN(peak) ? {} : { serverPeakRssMb: peak }),
  };
}
