#!/usr/bin/env node
/**
 * `npm start`: every adaptor on local ports against local engines — the core
 * on the memory storage, and each database service against its emulator when
 * the emulator is installed — with one dev key pair (.dev-keys/). Prints, for
 * each, the URL, the engine and a copy-paste command sending a signed request.
 * A missing engine is reported and the rest still start. Ctrl-C stops
 * everything this started.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { WixClient } from '../client.ts';
import { plantsCollection, samplePlants } from '../sample-data.ts';
import { loadDevSigner } from './dev-keys.ts';
import { type LocalEngine, localEngines } from './local-engines.ts';

const root = process.cwd();
/** Unlocks the status pages' details locally (GET / on each adaptor). */
const LOCAL_STATUS_TOKEN = 'local-status-token';
const basePort = Number(process.env.PORT ?? 8080);
const signer = await loadDevSigner(join(root, '.dev-keys'));
const children: ChildProcess[] = [];
const stops: (() => Promise<void>)[] = [];
const linesByEngine: string[][] = [];

async function startEngine(engine: LocalEngine, port: number, lines: string[]): Promise<void> {
  const main = join(root, engine.main);
  if (!existsSync(main)) {
    lines.push(
      `  ${engine.name.padEnd(10)} not started: ${engine.main} is not built (run: node scripts/run.mjs turbo run build)`,
    );
    return;
  }
  // Something else already answering on the port (another `npm start`) would answer the readiness
  // probe below, and this adaptor would be listed while it crashed (EADDRINUSE): say so instead.
  if (!(await portFree(port))) {
    lines.push(
      `  ${engine.name.padEnd(10)} not started: port ${port} is in use (another npm start?); stop it, or set PORT to another first port`,
    );
    return;
  }
  let env: Record<string, string>;
  let note: string | undefined;
  try {
    const prepared = await engine.prepare();
    stops.push(prepared.stop);
    env = prepared.env;
    note = prepared.note;
  } catch (error) {
    lines.push(`  ${engine.name.padEnd(10)} not started: ${(error as Error).message}`);
    return;
  }
  const child = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      ...env,
      PORT: String(port),
      HOST: '127.0.0.1',
      WIX_PUBLIC_KEYS: signer.publicKeyPem,
      LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
      // Local engines need no Google credentials: do not probe for a metadata server (and warn about it).
      METADATA_SERVER_DETECTION: 'none',
      STATUS_TOKEN: LOCAL_STATUS_TOKEN,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  // Every line a service writes says which service wrote it.
  for (const stream of [child.stdout, child.stderr]) labelLines(stream, engine.name);
  const url = `http://127.0.0.1:${port}`;
  if (!(await waitReady(url, child))) {
    lines.push(`  ${engine.name.padEnd(10)} failed to start (see its log above)`);
    return;
  }
  const client = new WixClient({ baseUrl: url, signer });
  const existing = await client.listCollections([plantsCollection.id]);
  if (existing.status === 200 && existing.body.collections.length === 0) {
    await client.createCollection({
      ...plantsCollection,
      fields: plantsCollection.fields.filter((f) => !f.key.startsWith('_')),
    });
    await client.insert(plantsCollection.id, [...samplePlants]);
  }
  const token = await signer.sign(
    {
      collectionId: 'plants',
      query: { filter: { perennial: true }, sort: [{ fieldName: 'heightCm', order: 'DESC' }] },
    },
    { expiresIn: 3600 },
  );
  lines.push(
    `  ${engine.name.padEnd(10)} ${url}   (${engine.description}${note ? `: ${note}` : ''})`,
    `             curl -s -X POST ${url}/v3/items/query --data-binary '${token}'`,
  );
}

function labelLines(stream: NodeJS.ReadableStream | null, name: string): void {
  if (!stream) return;
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    const lines = (rest + chunk).split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) if (line !== '') process.stderr.write(`[${name}] ${line}\n`);
  });
  stream.on('end', () => {
    if (rest !== '') process.stderr.write(`[${name}] ${rest}\n`);
  });
}

/** Whether nothing listens on 127.0.0.1:port (a listen there succeeds). */
function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

async function waitReady(url: string, child: ChildProcess): Promise<boolean> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      if ((await fetch(`${url}/readyz`)).status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }),
    ),
  );
  await Promise.allSettled(stops.map((stop) => stop()));
}

let stopping = false;
// `on`, not `once`: Ctrl-C reaches this process twice (from the terminal and
// forwarded by scripts/run.mjs), and a second signal without a listener would
// kill it before its children are stopped.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    process.stderr.write('\nstopping everything started by npm start…\n');
    void stopAll().then(() => process.exit(0));
  });
}

const engines = localEngines();
await Promise.all(
  engines.map((engine, index) => {
    linesByEngine[index] = [];
    return startEngine(engine, basePort + index, linesByEngine[index]);
  }),
);
const lines = linesByEngine.flat();
process.stderr.write(
  [
    '',
    '  Wix adaptors running locally (dev key pair in .dev-keys/, tokens below valid for one hour):',
    '',
    ...lines,
    '',
    `  Status pages: open each URL above in a browser (details: STATUS_TOKEN ${LOCAL_STATUS_TOKEN}).`,
    '  Sign your own calls: node packages/cli/dist/cli.js call <url> items/query \'{"collectionId":"plants","query":{}}\' --key .dev-keys/wix-dev-private.pem',
    '  Ctrl-C stops everything.',
    '',
  ].join('\n'),
);
