/**
 * runService's keys (src/server/start.ts): WIX_PUBLIC_KEYS is parsed once per start — the config
 * check's parse is the server's (auth/keys.ts) — and never imported into Web Crypto at start: the
 * verifier checks a valid call on the KeyObjects, and jose converts a key only for a call it is
 * left. Run in a process of its own, with node:crypto's key parsing and subtle.importKey counted.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));

function probe(): Record<string, unknown> {
  const script = `
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const crypto = createRequire(import.meta.url)('node:crypto');
    const counts = { createPublicKey: 0, importKey: 0 };
    const { createPublicKey } = crypto;
    crypto.createPublicKey = (...args) => (counts.createPublicKey++, createPublicKey(...args));
    syncBuiltinESMExports();
    const subtle = crypto.webcrypto.subtle;
    const importKey = subtle.importKey;
    subtle.importKey = (...args) => (counts.importKey++, importKey.apply(subtle, args));
    const { publicKey, privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const pem = publicKey.export({ type: 'spki', format: 'pem' });
    const core = await import(${JSON.stringify(index)});
    // A free port, so the probe knows where to call (the service logs its address through pino).
    const { createServer } = await import('node:net');
    const free = createServer().listen(0, '127.0.0.1');
    await new Promise((resolve) => free.once('listening', resolve));
    const port = free.address().port;
    await new Promise((resolve) => free.close(resolve));
    await core.runService(
      { name: 'probe', settings: core.coreSettings, async createStorage() { return { capabilities: {}, close: async () => {} }; } },
      [],
      { WIX_PUBLIC_KEYS: pem, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'error' },
    );
    const address = 'http://127.0.0.1:' + port;
    const seen = { atListen: { ...counts } };
    const now = Math.floor(Date.now() / 1000);
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const token = (header) => {
      const input = part({ alg: 'RS256', ...header }) + '.' + part({ iss: 'wix.com', iat: now, exp: now + 60, data: { request: {} } });
      return input + '.' + crypto.sign('sha256', Buffer.from(input), privateKey).toString('base64url');
    };
    const call = async (body) => {
      const response = await fetch(address + '/v3/capabilities/get', { method: 'POST', body });
      return response.status + ' ' + (response.status === 200 ? '' : JSON.stringify(await response.json()));
    };
    seen.valid = await call(token({ typ: 'JWT' }));
    seen.afterValid = { ...counts };
    // Left to jose by the fast path: a header key it does not know, then a forged signature.
    seen.viaJose = await call(token({ x5t: 'thumbprint' }));
    seen.forged = await call(token({ typ: 'JWT' }).replace(/[^.]{4}$/, 'AAAA'));
    process.stdout.write('\\nprobe ' + JSON.stringify(seen) + '\\n');
    process.exit(0);
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const line = out.split('\n').find((l) => l.startsWith('probe '));
  return JSON.parse(line?.slice('probe '.length) ?? 'null') as Record<string, unknown>;
}

it('parses the key text once, imports nothing into Web Crypto at start, and verifies on both paths', () => {
  const seen = probe();
  expect(seen.atListen).toEqual({ createPublicKey: 1, importKey: 0 });
  expect(seen.valid).toBe('200 ');
  expect(seen.afterValid).toEqual({ createPublicKey: 1, importKey: 0 });
  expect(seen.viaJose).toBe('200 ');
  expect(seen.forged).toMatch(/^401 .*signature does not match any configured key \(RS256 [0-9a-f]{16}\)/);
});
