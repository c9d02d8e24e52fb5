/**
 * `defineJwtAttackSuite(name, open)`: the JWT attack matrix (jwt-cases.ts)
 * over signed HTTP against the real core on a service's storage. Two adaptors
 * run: one trusting an RSA key with an audience configured, one trusting an
 * EC P-256 key without. Every answer and every log line (the core's own JSON
 * logger, captured) is searched for the token and key material.
 */
import { createServer, type Server } from 'node:http';
import { createLogger } from '@adaptors/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Harness, startHarness } from '../harness.ts';
import type { OpenStorage, StorageUnderTest } from '../storage-under-test.ts';
import { forgeKeyPair, signerFor } from './forge.ts';
import { type AttackContext, JWT_ATTACKS } from './jwt-cases.ts';

/** BODY_LIMIT_MB=1: small enough that the oversize cases stay cheap. */
const BODY_LIMIT_BYTES = 1024 * 1024;
const AUDIENCE = '5b0e7c2a-1d94-4f3b-a6e8-93c1f07d2b64';
const PATH = 'collections/get';

/** Pieces of a token worth hiding: its payload and signature segments (the header is public knowledge). */
function tokenSecrets(token: string): string[] {
  const parts = token.split('.');
  return [token, ...parts.slice(1)].filter((part) => part.length >= 16).map((part) => part.slice(0, 64));
}

/** Slices of a PEM's base64 body: enough to recognise key material in any rendering. */
function pemSecrets(pem: string): string[] {
  const body = pem.replace(/-----[A-Z ]+-----|\s/g, '');
  const out: string[] = [];
  for (let at = 0; at + 24 <= body.length; at += 64) out.push(body.slice(at, at + 24));
  return out;
}

export function defineJwtAttackSuite(name: string, open: OpenStorage): void {
  describe(`jwt attacks: ${name}`, () => {
    const lines: string[] = [];
    const fetched: string[] = [];
    const secrets = new Set<string>();
    const opened: StorageUnderTest[] = [];
    let trap: Server;
    let rsa: Harness;
    let ec: Harness;
    let ctx: AttackContext;

    beforeAll(async () => {
      trap = createServer((req, res) => {
        fetched.push(req.url ?? '');
        res.end('{"keys":[]}');
      });
      await new Promise<void>((resolve) => trap.listen(0, '127.0.0.1', resolve));
      const address = trap.address();
      const trapUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      const keys = {
        rsa: forgeKeyPair('rsa'),
        ec: forgeKeyPair('ec'),
        strangerRsa: forgeKeyPair('rsa'),
        strangerEc: forgeKeyPair('ec'),
      };
      for (const pair of Object.values(keys)) {
        for (const pem of [pair.publicKeyPem, pair.privateKeyPem]) for (const s of pemSecrets(pem)) secrets.add(s);
      }
      // The core's logger at its most verbose, writing to memory instead of stdout.
      const logger = createLogger({ level: 'debug', sink: { write: (line) => lines.push(line) } });
      const [a, b] = await Promise.all([open(), open()]);
      opened.push(a, b);
      rsa = await startHarness({
        storage: a.storage,
        signer: await signerFor(keys.rsa, AUDIENCE),
        audience: AUDIENCE,
        logger,
        bodyLimitBytes: BODY_LIMIT_BYTES,
      });
      ec = await startHarness({
        storage: b.storage,
        signer: await signerFor(keys.ec),
        logger,
        bodyLimitBytes: BODY_LIMIT_BYTES,
      });
      ctx = {
        ...keys,
        audience: AUDIENCE,
        trapUrl,
        bodyLimitBytes: BODY_LIMIT_BYTES,
        nowSeconds: () => Math.floor(Date.now() / 1000),
      };
    });

    afterAll(async () => {
      await rsa?.close();
      await ec?.close();
      for (const o of opened) await o.close();
      await new Promise((resolve) => trap?.close(resolve));
    });

    for (const attack of JWT_ATTACKS) {
      // `fails` while a pending core fix (named in the case) makes the adaptor accept it.
      const define = attack.pending ? test.fails : test;
      define(`${attack.name} → ${attack.expected}`, async () => {
        const harness = attack.adaptor === 'rsa' ? rsa : ec;
        const token = attack.body(ctx);
        const hidden = attack.expected === 200 ? [] : tokenSecrets(token);
        for (const s of hidden) secrets.add(s);
        const result = await harness.client.post(PATH, token);
        expect(result.status, JSON.stringify(result.body).slice(0, 500)).toBe(attack.expected);
        if (attack.expected === 200) {
          expect(Array.isArray(result.body.collections)).toBe(true);
          return;
        }
        expect(result.body.errorCode).toBe(attack.expected === 401 ? 'UNAUTHORIZED' : 'PAYLOAD_TOO_LARGE');
        expect(typeof result.body.errorMessage).toBe('string');
        expect(result.body.applicationError).toMatchObject({ code: result.body.errorCode });
        const text = JSON.stringify(result.body);
        for (const s of [...hidden, ...secrets]) expect(text).not.toContain(s);
        expect(text).not.toMatch(/BEGIN|PRIVATE|at .*\.ts:\d+/);
      });
    }

    test('the adaptors keep serving genuine calls after the matrix', async () => {
      expect((await rsa.client.listCollections()).status).toBe(200);
      expect((await ec.client.listCollections()).status).toBe(200);
    });

    test('no header URL (jku, x5u) was ever fetched', () => {
      expect(fetched).toEqual([]);
    });

    test('no log line carries a token, a signature or key material', async () => {
      // The request log is written after the answer leaves: give the last lines a turn to arrive.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(lines.length).toBeGreaterThanOrEqual(JWT_ATTACKS.length);
      expect(lines.some((line) => line.includes('UNAUTHORIZED'))).toBe(true);
      const all = lines.join('\n');
      for (const s of secrets) expect(all.includes(s), `a log line contains ${s.slice(0, 12)}…`).toBe(false);
      expect(all).not.toMatch(/BEGIN (PUBLIC|PRIVATE)|eyJ[A-Za-z0-9_-]{20,}\.eyJ/);
    });
  });
}
