import { readdirSync } from 'node:fs';
import { createWixSigner, localEngines, startServerProcess, WixClient } from '@adaptors/testkit';

const engine = localEngines().find((e) => e.name === process.argv[3]);
const prepared = await engine.prepare();
const signer = await createWixSigner({ alg: 'RS256' });
const server = await startServerProcess(process.execPath, [process.argv[2]], {
  ...prepared.env,
  WIX_PUBLIC_KEYS: signer.publicKeyPem,
  METADATA_SERVER_DETECTION: 'none',
  NODE_OPTIONS:
    '--max-semi-space-size=8 --max-old-space-size=160 --heapsnapshot-signal=SIGUSR2 --diagnostic-dir=/tmp/lean/snap2',
  MALLOC_ARENA_MAX: '2',
});
const { rssMb } = await import('./dist/proc.js');
try {
  const client = new WixClient({ baseUrl: server.url, signer });
  console.log('create', (await client.createCollection({ id: 'p', fields: [{ key: 'text', type: 'TEXT' }] })).status);
  console.log('insert', (await client.insert('p', [{ _id: 'a', text: 'x' }])).status);
  console.log('query', (await client.query('p', { filter: {}, paging: { limit: 50 } })).status);
  await new Promise((r) => setTimeout(r, 1000));
  console.log('rss', Math.round(rssMb(server.pid)));
  process.kill(server.pid, 'SIGUSR2');
  await new Promise((r) => setTimeout(r, 8000));
  console.log(readdirSync('/tmp/lean/snap2'));
} finally {
  await server.stop();
  await prepared.stop();
}
