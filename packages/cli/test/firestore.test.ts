/**
 * `adaptors firestore backfill` end to end: documents written straight to the
 * official emulator (its REST API, as another program would), the command run
 * in-process, the documents read back in the storage format.
 */

import { fileURLToPath } from 'node:url';
import { type FirestoreEmulator, startFirestoreEmulator } from '@adaptors/testkit/emulators/firestore';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressLine } from '../src/commands/firestore.ts';
import { runCli } from './support/run-cli.ts';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const PROJECT = 'cli-backfill';
let emulator: FirestoreEmulator;

const base = () => `http://${emulator.host}/v1/projects/${PROJECT}/databases/(default)/documents`;

async function put(collection: string, id: string, fields: Record<string, unknown>) {
  const response = await fetch(`${base()}/${collection}?documentId=${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer owner' },
    body: JSON.stringify({ fields }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
}

async function get(collection: string, id: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${base()}/${collection}/${id}`, { headers: { authorization: 'Bearer owner' } });
  return ((await response.json()) as { fields: Record<string, unknown> }).fields;
}

beforeAll(async () => {
  emulator = await startFirestoreEmulator();
  process.env.FIRESTORE_EMULATOR_HOST = emulator.host;
}, 120_000);

afterAll(async () => {
  delete process.env.FIRESTORE_EMULATOR_HOST;
  await emulator?.stop();
});

describe('firestore backfill', () => {
  it('brings raw documents into the storage format, then has nothing left to write', async () => {
    const definition = {
      id: 'plants',
      fields: [
        { key: '_id', type: 'TEXT' },
        { key: 'title', type: 'TEXT' },
        { key: 'n', type: 'NUMBER' },
      ],
    };
    await put('_wix_collections', 'plants', { definition: { stringValue: JSON.stringify(definition) } });
    await put('plants', 'a', { title: { stringValue: 'Red Rose' } });
    await put('plants', 'b', { n: { integerValue: '3' } });

    const first = await runCli(['firestore', 'backfill', 'plants', '--project', PROJECT], { cwd: repo });
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain('100% 2/2 documents · 2 written');
    expect(first.stdout).toContain("Backfill of 'plants': 2 documents read, 2 written.");
    expect(first.stdout).toContain('Complete fields: _id, title, n');
    expect(first.stdout).toContain('Group statistics: built');
    const a = await get('plants', 'a');
    expect(a.n).toEqual({ nullValue: null });
    expect(JSON.stringify(a.$wix)).toContain('"red rose"');
    expect((await get('plants', 'b')).title).toEqual({ nullValue: null });

    const again = await runCli(['firestore', 'backfill', 'plants', '--project', PROJECT, '--json'], { cwd: repo });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ read: 2, updated: 0, finished: true, incomplete: [] });
  });

  it('refuses a collection without a definition, saying what to do', async () => {
    await put('loose', 'x', { title: { stringValue: 'x' } });
    const result = await runCli(['firestore', 'backfill', 'loose', '--project', PROJECT], { cwd: repo });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('adopt it first with collections/update');
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['firestore'], { cwd: repo })).code).toBe(2);
    expect((await runCli(['firestore', 'backfill'], { cwd: repo })).stderr).toContain('missing <collection>');
  });
});

describe('progress line', () => {
  it('shows the share, the counts and an ETA from the rate so far', () => {
    expect(progressLine({ read: 25_000, updated: 100, total: 100_000, resumedAt: 25_000 }, 10_000)).toBe(
      '[############............] 50% 50,000/100,000 documents · 100 written · ETA 20s',
    );
  });
});
