// The bundle's warm-up: copied into every service's bundle/ by scripts/bundle-service.mjs and run
// once by the image's build (services/<name>/Dockerfile: `RUN node dist/warm-cache.mjs`), by the
// bench before its cold starts, and by infra/test/deploy-folder.test.ts. It starts the service
// from this folder, as the image runs it, with its database unreachable (warm-up.json: the
// service's own offline settings), sends the first calls a site sends (signed with a key made for
// this run), then has the loader write V8's code cache of every chunk (loader.cjs says why).
// It fails, and so fails the build, when the service does not start or a chunk was not cached.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { join } from 'node:path';

const dir = import.meta.dirname;
const { bundleChunks, cacheFileName } = createRequire(import.meta.url)('./loader.cjs');
const { offlineEnv } = JSON.parse(readFileSync(join(dir, 'warm-up.json'), 'utf8'));
const fail = (message) => {
  process.stderr.write(`warm-cache: ${message}\n`);
  process.exit(1);
};
const { env: shell } = process;
if (!shell.NODE_COMPILE_CACHE || shell.NODE_DISABLE_COMPILE_CACHE) {
  fail(
    'NODE_COMPILE_CACHE is not set (or NODE_DISABLE_COMPILE_CACHE is): there is no folder to bake the code cache into',
  );
}

const freePort = () =>
  new Promise((done, failed) => {
    const server = createServer().once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });

// A Wix-shaped token (docs/protocol.md §2): RS256 over { data: { request, metadata } }.
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
function token(request) {
  const now = Math.floor(Date.now() / 1000);
  const metadata = {
    requestId: randomUUID(),
    instanceId: randomUUID(),
    identity: { identityType: 'WIX_USER', wixUserId: randomUUID() },
    languages: ['en-US'],
    appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
  };
  const signed = `${part({ alg: 'RS256', typ: 'JWT' })}.${part({ data: { request, metadata }, iss: 'wix.com', iat: now, exp: now + 60, jti: randomUUID() })}`;
  return `${signed}.${sign('sha256', Buffer.from(signed), privateKey).toString('base64url')}`;
}

const port = await freePort();
// Only what the image sets and the service's offline settings: not this shell's engine settings
// (the bench runs this with its emulator's), so no database is ever reached or created.
const keep = ['PATH', 'HOME', 'TZ', 'NODE_ENV', 'NODE_OPTIONS', 'NODE_COMPILE_CACHE', 'MALLOC_ARENA_MAX'];
const env = Object.fromEntries(keep.filter((name) => shell[name] !== undefined).map((name) => [name, shell[name]]));
const child = spawn(process.execPath, [...process.execArgv, join(dir, 'main.mjs')], {
  env: {
    ...env,
    ...offlineEnv,
    PORT: String(port),
    WIX_PUBLIC_KEYS: publicKey.export({ type: 'spki', format: 'pem' }),
    METADATA_SERVER_DETECTION: 'none',
    REQUEST_DEADLINE_MS: '1000',
    BUNDLE_WARM_UP: '1',
  },
  stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
});
let output = '';
child.stdout.on('data', (chunk) => (output += chunk));
child.stderr.on('data', (chunk) => (output += chunk));
const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })));
const stop = setTimeout(() => {
  child.kill('SIGKILL');
  fail(`the service did not finish its warm-up within 60 s:\n${output}`);
}, 60_000);

async function call(path, request) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: token(request),
  });
  await response.arrayBuffer();
  return response.status;
}

// Until it listens: the capabilities call touches no database and must answer 200.
let status;
for (let attempt = 0; status === undefined; attempt++) {
  try {
    status = await call('/v3/capabilities/get', {});
  } catch {
    if (attempt > 200 || child.exitCode !== null) fail(`the service did not start:\n${output}`);
    await new Promise((done) => setTimeout(done, 50));
  }
}
if (status !== 200) fail(`capabilities/get answered ${status}:\n${output}`);
// The first query a site sends: verified, validated, compiled and sent, then refused by the
// unreachable database (503/504) — every step before the database's answer runs.
await call('/v3/items/query', { collectionId: 'warm_up', query: { paging: { limit: 50 } } });

const written = new Promise((done) => child.once('message', (message) => done(message?.written)));
child.send('write-code-cache');
const result = await Promise.race([written, exited]);
clearTimeout(stop);
if (!result?.files) fail(`the service exited before writing its code cache:\n${output}`);
await exited;

// Every chunk of the bundle has its cache.
const missing = bundleChunks(dir)
  .map((file) => cacheFileName(dir, file))
  .filter((name) => !existsSync(join(result.cacheDir, name)));
if (missing.length > 0)
  fail(`no code cache written for ${missing.map((name) => name.replace(/\.v8$/, '')).join(', ')}`);
process.stdout.write(
  `warm-cache: ${result.files} files, ${(result.bytes / 1e6).toFixed(1)} MB of code cache in ${result.cacheDir}\n`,
);
