import { describe, expect, it } from 'vitest';
import { useKeyedAdaptors } from './support/keyed-adaptors.ts';
import { closedPort, runCli } from './support/run-cli.ts';

const keyed = useKeyedAdaptors();

const cli = (argv: string[]) => runCli(argv, { cwd: keyed.dir });

const collectionIds = async (url: string) =>
  JSON.parse((await cli(['call', url, 'collections/get', '{"collectionIds":[]}'])).stdout).collections.map(
    (c: { id: string }) => c.id,
  );

describe('doctor against a real local adaptor', () => {
  it('reports the service, readiness and each step of a signed round trip; exit 0; nothing left behind', async () => {
    const result = await cli(['doctor', keyed.adaptor.url]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^service {3}http:\/\/127\.0\.0\.1:\d+ · memory /);
    expect(lines[1]).toBe('database  reachable');
    expect(lines[2]).toBe('ready     yes');
    expect(lines[3]).toMatch(/^self-test passed: signed round trip on adaptors_self_test_\w+$/);
    const steps = lines.slice(4).filter((l) => l !== '');
    expect(
      steps.map((l) =>
        l
          .trim()
          .split(/\s{2,}/)
          .slice(0, 4),
      ),
    ).toEqual([
      ['ok', 'capabilities', 'capabilities/get', 'HTTP 200'],
      ['ok', 'create collection', 'collections/create', 'HTTP 200'],
      ['ok', 'insert', 'items/insert', 'HTTP 200'],
      ['ok', 'query', 'items/query', 'HTTP 200'],
      ['ok', 'update', 'items/update', 'HTTP 200'],
      ['ok', 'remove', 'items/remove', 'HTTP 200'],
      ['ok', 'delete collection', 'collections/delete', 'HTTP 200'],
    ]);
    expect(await collectionIds(keyed.adaptor.url)).toEqual(['plants']);
  });

  it('--json: the summary, readiness and the report', async () => {
    const result = await cli(['doctor', '--json', keyed.adaptor.url]);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.status.engine).toBe('memory');
    expect(out.ready).toEqual({ status: 200, body: { status: 'ready' } });
    expect(out.selfTest).toMatchObject({ mode: 'round-trip', ok: true });
    expect(out.selfTest.steps).toHaveLength(7);
  });

  it('an adaptor that does not know the key: the first step fails with 401, exit 1, the hint names WIX_PUBLIC_KEYS', async () => {
    const result = await cli(['doctor', keyed.stranger.url]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('self-test FAILED');
    expect(result.stdout).toMatch(/FAILED capabilities\s+capabilities\/get\s+HTTP 401/);
    expect(result.stdout).not.toContain('collections/create');
    expect(result.stderr).toContain('check WIX_PUBLIC_KEYS holds the public key of --key');
  });

  it('unreachable URL: exit 1 naming the URL', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['doctor', base]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not reach ${base}/status.json: connection refused (ECONNREFUSED)`);
  });

  it('a URL with the /v3 path: says to use the root URL; exit 1, as the service is not checked where Wix reaches it', async () => {
    for (const url of [`${keyed.adaptor.url}/v3`, `${keyed.adaptor.url}/v3/`]) {
      const result = await cli(['doctor', url]);
      expect(result.code, url).toBe(1);
      expect(result.stdout).toContain(
        "ready     no (HTTP 404: /readyz is at the service's root URL; use the service's root URL (without /v3))",
      );
      expect(result.stderr).toContain(
        `adaptors doctor: ${keyed.adaptor.url}/v3 is not the service's root URL: use the service's root URL (without /v3), as the Wix connection's endpoint does: adaptors doctor ${keyed.adaptor.url}`,
      );
      const json = JSON.parse((await cli(['doctor', '--json', url])).stdout);
      expect(json.hint).toContain("use the service's root URL (without /v3)");
    }
  });

  it('usage: a URL is required', async () => {
    expect((await cli(['doctor'])).code).toBe(2);
    expect((await cli(['doctor', 'not a url'])).code).toBe(2);
  });
});
