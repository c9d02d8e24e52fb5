import { samplePlants } from '@adaptors/testkit';
import { describe, expect, it } from 'vitest';
import { useKeyedAdaptors } from './support/keyed-adaptors.ts';
import { closedPort, runCli } from './support/run-cli.ts';

const keyed = useKeyedAdaptors();

const cli = (argv: string[], stdin?: string) => runCli(argv, { cwd: keyed.dir, ...(stdin ? { stdin } : {}) });

describe('call against a real local adaptor', () => {
  it('inserts and queries: prints the JSON answer, exit 0', async () => {
    const insert = await cli([
      'call',
      keyed.adaptor.url,
      'items/insert',
      JSON.stringify({ collectionId: 'plants', items: samplePlants }),
    ]);
    expect(insert.stderr).toBe('');
    expect(insert.code).toBe(0);
    expect(JSON.parse(insert.stdout).results).toHaveLength(samplePlants.length);

    const query = await cli([
      'call',
      keyed.adaptor.url,
      '/v3/items/query',
      JSON.stringify({ collectionId: 'plants', query: { filter: { perennial: true } }, returnTotalCount: true }),
    ]);
    expect(query.code).toBe(0);
    expect(query.stdout).toContain('\n  "items": ['); // pretty-printed
    const answer = JSON.parse(query.stdout);
    expect(answer.items.length).toBe(samplePlants.filter((p) => p.perennial === true).length);
    expect(answer.items.every((item: { perennial: boolean }) => item.perennial)).toBe(true);
  });

  it('reads the request from stdin', async () => {
    const result = await cli(['call', keyed.adaptor.url, 'items/count', '-'], '{"collectionId":"plants","filter":{}}');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).totalCount).toBe(samplePlants.length);
  });

  it('an SPI error: exit 1, errorCode and message on stderr, the body on stdout', async () => {
    const result = await cli(['call', keyed.adaptor.url, 'items/query', '{"collectionId":"orchids","query":{}}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 404 COLLECTION_NOT_FOUND: .*orchids/);
    expect(JSON.parse(result.stdout).errorCode).toBe('COLLECTION_NOT_FOUND');
  });

  it('401 from an adaptor that does not know this key: says to check WIX_PUBLIC_KEYS', async () => {
    const result = await cli(['call', keyed.stranger.url, 'capabilities/get', '{}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('HTTP 401 UNAUTHORIZED');
    expect(result.stderr).toContain(
      'the adaptor does not accept this key: check WIX_PUBLIC_KEYS'.replace('the', 'The'),
    );
  });

  it('unreachable URL: exit 1 naming the URL', async () => {
    const base = `http://127.0.0.1:${await closedPort()}`;
    const result = await cli(['call', base, 'items/count', '{"collectionId":"plants"}']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`could not reach ${base}/v3/items/count: connection refused (ECONNREFUSED)`);
  });

  it('usage errors: unknown endpoint, bad URL, bad JSON (exit 2)', async () => {
    const endpoint = await cli(['call', keyed.adaptor.url, 'items/find', '{}']);
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr).toContain('unknown endpoint "items/find"; one of: items/query');
    const url = await cli(['call', 'localhost:8080', 'items/query', '{}']);
    expect(url.code).toBe(2);
    const json = await cli(['call', keyed.adaptor.url, 'items/query', '{"collectionId":']);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('request: invalid JSON from the command line');
    const missing = await cli(['call', keyed.adaptor.url]);
    expect(missing.stderr).toContain('missing <endpoint> <request JSON | @file | ->');
  });
});
