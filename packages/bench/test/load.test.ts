/**
 * The bench's own parts work end to end: a real server process, signed load,
 * /proc readings. Functional checks only — no timing is asserted (speed is
 * measured by the bench, never by tests).
 */
import { join } from 'node:path';
import { createWixSigner, startServerProcess } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { runLoad } from '../src/load.ts';
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
