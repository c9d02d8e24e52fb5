/**
 * The status page in a real browser: Debian's Chromium, headless, renders the
 * page the way a site owner sees it; the DOM is checked and a screenshot is
 * kept as a test artifact (.test-results/status-page.png); the self-test
 * button is pressed through the DevTools protocol (test/support/devtools.ts)
 * and its report read back (.test-results/status-self-test.png). `.ci/run` installs
 * Chromium when it is missing, so on CI a missing browser fails this test;
 * elsewhere it is skipped with the reason (set CHROMIUM_BIN to point at one).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, startHarness } from '../src/harness.ts';
import { createMemoryStorage } from '../src/memory/memory-storage.ts';
import { plantsCollection } from '../src/sample-data.ts';
import { launchPage } from './support/devtools.ts';

const exec = promisify(execFile);
const browser = [process.env.CHROMIUM_BIN, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (path): path is string => path !== undefined && existsSync(path),
);
const required = process.env.CI !== undefined && process.env.CI !== '';
const artifacts = fileURLToPath(new URL('../.test-results/', import.meta.url));

// Flags for a headless run on a closed network as root (no sandbox, no background fetches).
const FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--hide-scrollbars',
];

const STATUS_TOKEN = 'a-status-token-of-some-length';

let h: Harness;
let profile: string;

describe.skipIf(!browser && !required)(
  `status page in Chromium${browser ? '' : ' (skipped: no Chromium found)'}`,
  () => {
    beforeAll(async () => {
      if (!browser) throw new Error('Chromium is required on CI: apt-get install chromium, or set CHROMIUM_BIN');
      profile = await mkdtemp(join(tmpdir(), 'status-browser-'));
      h = await startHarness({
        storage: createMemoryStorage({ collections: [plantsCollection] }),
        info: {
          name: 'memory',
          version: '1.2.3',
          keys: [{ alg: 'RS256', fingerprint: 'SHA256:abc' }],
          advice: [{ setting: 'WIX_AUDIENCE', message: 'not set: any audience is accepted' }],
          detailsToken: STATUS_TOKEN,
        },
      });
      await h.client.count('missing_collection');
    });
    afterAll(async () => {
      await h?.close();
      if (profile) await rm(profile, { recursive: true, force: true });
    });

    const run = (args: string[]) =>
      exec(browser as string, [...FLAGS, `--user-data-dir=${profile}`, ...args], { timeout: 60_000 });

    it('renders the public summary: release, database, the details form, no configuration', async () => {
      const { stdout } = await run(['--dump-dom', `${h.url}/`]);
      expect(stdout).toContain('<title>wix-gcp-adaptors · memory</title>');
      for (const text of ['1.2.3', 'reachable', 'STATUS_TOKEN']) expect(stdout).toContain(text);
      for (const text of ['RS256 SHA256:abc', 'WIX_AUDIENCE', 'COLLECTION_NOT_FOUND']) {
        expect(stdout).not.toContain(text);
      }
      expect(stdout).toMatch(/<form method="post" action="\/status">/);
    });

    it('takes a screenshot of it (kept in .test-results/status-page.png)', async () => {
      await mkdir(artifacts, { recursive: true });
      const file = join(artifacts, 'status-page.png');
      await run([`--screenshot=${file}`, '--window-size=1100,900', `${h.url}/`]);
      const png = await readFile(file);
      expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      expect(png.length).toBeGreaterThan(10_000);
    });

    it('presses the self-test button: the round trip is reported step by step and leaves nothing behind', async () => {
      const page = await launchPage(browser as string, FLAGS, profile);
      try {
        await page.open(`${h.url}/`);
        await page.andWaitForLoad(() =>
          page.evaluate(
            `document.querySelector('input[name=token]').value = ${JSON.stringify(STATUS_TOKEN)};
             document.getElementById('self-test').click()`,
          ),
        );
        const result = await page.evaluate<string>(`document.getElementById('self-test-result').textContent`);
        expect(result).toMatch(/^passed: a round trip on the throwaway collection adaptors_self_test_\w+\.$/);
        const rows = await page.evaluate<string[][]>(
          `[...document.getElementById('self-test-result').nextElementSibling.querySelectorAll('tr')].slice(1)
             .map((row) => [...row.cells].map((cell) => cell.textContent))`,
        );
        expect(rows.map(([step, call, outcome]) => `${step} ${call} ${outcome}`)).toEqual([
          'capabilities capabilities/get ok HTTP 200',
          'create collection collections/create ok HTTP 200',
          'insert items/insert ok HTTP 200',
          'query items/query ok HTTP 200',
          'update items/update ok HTTP 200',
          'remove items/remove ok HTTP 200',
          'delete collection collections/delete ok HTTP 200',
        ]);
        for (const row of rows) expect(row[3]).toMatch(/^\d+(\.\d)? ms$/);
        await mkdir(artifacts, { recursive: true });
        const png = await page.screenshot();
        await writeFile(join(artifacts, 'status-self-test.png'), png);
        expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
      } finally {
        await page.close();
      }
      const listed = await h.client.listCollections();
      expect(listed.body.collections.map((c: { id: string }) => c.id)).toEqual(['plants']);
    });
  },
);
