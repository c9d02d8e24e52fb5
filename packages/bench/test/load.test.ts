/**
 * The bench's own parts work end to end: a real server process, signed load,
 * /proc readings. Functional checks only — no timing is asserted (speed is
 * measured by the bench, never by tests).
 */
import { join } from 'node:path';
import { createWixSigner, startServerProcess } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { combineLoads, runLoad } from '../src/load.ts';
import { standardScenarios } from '../src/scenarios.ts';

test('signed load against the memory target: every request answered 200, server figures read', async () => {
  const signer = await createWixSigner();
  const server = await startServerProcess(
    process.execPath,
    [join(import.meta.dirname, '../src/targets/memory-server.ts')],
    { WIX_PUBLIC_KEYS: signer.publicKeyPem, BENCH_ITEMS: '200', NODE_OPTIONS: '' },
  );
  try {
    for (const scenario of standardScenarios('plants')) {
      const body = await signer.sign(scenario.request, { expiresIn: 600 });
      const result = await runLoad({
        url: server.url,
        path: scenario.path,
        bodies: [body],
        connections: 4,
        durationSeconds: 1,
        pid: server.pid,
      });
      expect(result.requests, scenario.name).toBeGreaterThan(0);
      expect(result.errors, scenario.name).toBe(0);
      expect(result.non2xx, scenario.name).toBe(0);
      expect(result.serverCpuMsPerRequest).toBeGreaterThan(0);
      expect(result.serverPeakRssMb).toBeGreaterThan(10);
    }
  } finally {
    await server.stop();
  }
}, 60_000);

test('two runs combine into one figure: requests added, rate averaged, CPU per request over all requests', () => {
  const a = {
    requests: 100,
    requestsPerSecond: 10,
    latencyP50Ms: 4,
    latencyP99Ms: 9,
    errors: 0,
    non2xx: 1,
    serverCpuMsPerRequest: 2,
    serverPeakRssMb: 150,
  };
  const b = { ...a, requests: 300, requestsPerSecond: 30, latencyP50Ms: 6, latencyP99Ms: 7, non2xx: 0 };
  expect(combineLoads(a, { ...b, serverCpuMsPerRequest: 1, serverPeakRssMb: 170 })).toEqual({
    requests: 400,
    requestsPerSecond: 20,
    latencyP50Ms: 5,
    latencyP99Ms: 9,
    errors: 0,
    non2xx: 1,
    serverCpuMsPerRequest: 1.25,
    serverPeakRssMb: 170,
  });
  // Without server readings (no pid) neither side claims one.
  const { serverCpuMsPerRequest: _c, serverPeakRssMb: _r, ...bare } = a;
  expect(combineLoads(bare, bare)).toEqual({ ...bare, requests: 200, non2xx: 2 });
});
