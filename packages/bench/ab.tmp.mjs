// A/B of service bundles at a fixed request rate: CPU per 50-item query, alternating variants.
// usage: node ab.tmp.mjs <service> <rounds> <seconds> <rate> name=bundleDir ...
import { createWixSigner, startServerProcess, WixClient } from '@adaptors/testkit';
import { join } from 'node:path';
import { runLoad } from '/work/main/packages/bench/dist/load.js';
import { seedPlants } from '/work/main/packages/bench/dist/seed.js';
import { signScenario, standardScenarios } from '/work/main/packages/bench/dist/scenarios.js';
import { databaseTargets } from '/work/main/packages/bench/dist/targets.js';
const [service, rounds, seconds, rate, ...vs] = process.argv.slice(2);
const variants = vs.map((v) => v.split('='));
const signer = await createWixSigner({ alg: 'RS256' });
const repoRoot = '/work/main';
const target = databaseTargets(signer.publicKeyPem, repoRoot).find((t) => t.name === service);
const engine = await target.prepare();
const env = { ...target.env, ...engine.env };
const scenario = standardScenarios('plants').find((s) => s.name === (process.env.SCENARIO ?? 'query 50 items'));
const body = await signScenario(signer, scenario, 3600);
const results = Object.fromEntries(variants.map(([n]) => [n, []]));
try {
  for (let r = 0; r < Number(rounds); r++) for (const [name, dir] of variants) {
    const [bundleDir, ...flags] = dir.split('|');
    const server = await startServerProcess(process.execPath, [...flags, join(bundleDir, 'main.mjs')], { ...env, NODE_COMPILE_CACHE: `/tmp/ab-cc/${name}` });
    try {
      if (r === 0 && name === variants[0][0]) {
        await seedPlants(new WixClient({ baseUrl: server.url, signer }));
        await runLoad({ url: server.url, path: scenario.path, bodies: [body], connections: 50, durationSeconds: 5 });
      }
      await runLoad({ url: server.url, path: scenario.path, bodies: [body], connections: 50, durationSeconds: 2, overallRate: Number(rate) });
      const res = await runLoad({ url: server.url, path: scenario.path, bodies: [body], connections: 50, durationSeconds: Number(seconds), pid: server.pid, overallRate: Number(rate) });
      results[name].push(res.serverCpuMsPerRequest);
      process.stderr.write(`${name} round ${r}: ${res.requestsPerSecond} req/s, ${res.serverCpuMsPerRequest} ms CPU, peak ${res.serverPeakRssMb} MB, non2xx ${res.non2xx}\n`);
    } finally { await server.stop(); }
  }
} finally { await engine.stop(); }
for (const [n, xs] of Object.entries(results)) { const s = [...xs].sort((a, b) => a - b); console.log(n.padEnd(10), 'median', s[Math.floor(s.length / 2)], 'all', xs.join(' ')); }
process.exit(0);
