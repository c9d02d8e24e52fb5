import { connect, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { measureColdStart } from '../src/cold-start.ts';

/** A port nothing listens on now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (typeof address !== 'object' || address === null) throw new Error('no port');
  return address.port;
}

/**
 * A server that starts listening 150 ms after spawn, refuses its first query with 503 (not
 * ready) and answers 200 only to the exact path, method and body the bench sends; its log
 * line on stderr says what it was asked.
 */
const SERVER = `
const http = require('node:http');
let asked = 0;
setTimeout(() => {
  http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      asked++;
      const ok = asked > 1 && req.method === 'POST' && req.url === process.env.WANT_PATH && body === process.env.WANT_BODY;
      process.stderr.write('asked ' + asked + ' ' + req.method + ' ' + req.url + ' ' + JSON.stringify(body) + '\\n');
      res.statusCode = asked === 1 ? 503 : ok ? 200 : 400;
      res.end('{}');
    });
  }).listen(Number(process.env.PORT), '127.0.0.1');
}, 150);
`;

const PATH = '/v3/items/query';
const BODY = 'header.payload.signature';

/** Cold starts of `script` (run with `node -e`) on a free port, sending the bench's query: the port and the measurement. */
async function coldStarts(script: string, env: Record<string, string>, repeat: number, timeoutMs?: number) {
  const port = await freePort();
  const measured = measureColdStart({
    command: process.execPath,
    args: ['-e', script],
    env,
    port,
    path: PATH,
    body: BODY,
    repeat,
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  });
  return { port, measured };
}

describe('measureColdStart', () => {
  it('waits for the port, then retries the signed query until it is answered 200', async () => {
    const { measured } = await coldStarts(SERVER, { WANT_PATH: PATH, WANT_BODY: BODY }, 2);
    const result = await measured;
    expect(result.runs).toHaveLength(2);
    // Not before the server listened (150 ms after spawn), nor anywhere near the 30 s limit.
    for (const ms of result.runs) {
      expect(ms).toBeGreaterThanOrEqual(150);
      expect(ms).toBeLessThan(5000);
    }
    expect(result.rssAfterFirstAnswerMb).toBeGreaterThan(10);
  }, 20_000);

  it('fails the run when the server never answers 200, and stops the server', async () => {
    // The server answers 400 to any other body: never a 200.
    const { port, measured } = await coldStarts(SERVER, { WANT_PATH: PATH, WANT_BODY: 'another body' }, 1, 1000);
    await expect(measured).rejects.toThrow('no answer within 1 s');
    // Stopped: nothing listens on its port any more.
    await expect(
      new Promise((resolve, reject) => {
        const socket = connect(port, '127.0.0.1');
        socket.once('connect', () => {
          socket.destroy();
          resolve('connected');
        });
        socket.once('error', reject);
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  }, 10_000);

  it('ends an attempt whose connection is accepted but never answered, within the run’s time', async () => {
    const silent = `require('node:net').createServer(() => {}).listen(Number(process.env.PORT), '127.0.0.1');`;
    const started = performance.now();
    const { measured } = await coldStarts(silent, {}, 1, 1000);
    await expect(measured).rejects.toThrow('no answer within 1 s');
    expect(performance.now() - started).toBeLessThan(5000);
  }, 10_000);
});
