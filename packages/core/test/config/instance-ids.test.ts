/**
 * WIX_INSTANCE_IDS as a setting (config/core-settings.ts, server/instances.ts parseInstanceIds):
 * described like every core setting, shown by `check`, and a list with an empty entry or an id
 * with a space, quote or bracket inside reported as a problem naming the entry, never dropped.
 */
import { exportSPKI, generateKeyPair } from 'jose';
import { beforeAll, describe, expect, test } from 'vitest';
import { coreSettings } from '../../src/config/core-settings.ts';
import { checkConfig, configReport, describeSettings } from '../../src/config/describe.ts';
import { loadConfig } from '../../src/config/load.ts';

let pem: string;
beforeAll(async () => {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  pem = await exportSPKI(publicKey);
});

const A = '0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55';
const B = '7c0e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b';

describe('WIX_INSTANCE_IDS', () => {
  test('is a core setting: optional, not secret, described in the settings table', () => {
    expect(coreSettings.wixInstanceIds).toMatchObject({ name: 'WIX_INSTANCE_IDS', required: false, secret: false });
    expect(describeSettings(coreSettings)).toMatch(
      /\| `WIX_INSTANCE_IDS` \| Wix sites allowed to call: .*refused with 403\. Unset: every site .* \| \(unset\) \| no \|/,
    );
  });

  test('unset: loads as undefined and check says not set', async () => {
    const loaded = await loadConfig(coreSettings, { WIX_PUBLIC_KEYS: pem });
    expect(loaded.ok && loaded.config.wixInstanceIds).toBeUndefined();
    expect(await checkConfig(coreSettings, { WIX_PUBLIC_KEYS: pem })).toMatch(
      /WIX_INSTANCE_IDS\s+not set \(optional\)/,
    );
  });

  test('one or more ids, spaces around the commas allowed: loaded as a list, shown by check', async () => {
    const env = { WIX_PUBLIC_KEYS: pem, WIX_INSTANCE_IDS: ` ${A} ,  ${B}` };
    const loaded = await loadConfig(coreSettings, env);
    expect(loaded.ok && loaded.config.wixInstanceIds).toEqual([A, B]);
    const report = await checkConfig(coreSettings, env);
    expect(report).toMatch(/^Configuration OK/);
    expect(report).toMatch(new RegExp(`WIX_INSTANCE_IDS +2 sites: ${A}, ${B}\n`));
    const one = await checkConfig(coreSettings, { WIX_PUBLIC_KEYS: pem, WIX_INSTANCE_IDS: A });
    expect(one).toContain(`1 site: ${A}`);
  });

  test.each([
    [`${A},,${B}`, 'entry 2 of 3 is empty (two commas in a row, or one at the start or end)'],
    [`${A},`, 'entry 2 of 2 is empty'],
    [`,${A}`, 'entry 1 of 2 is empty'],
    [`${A}, ,${B}`, 'entry 2 of 3 is empty'],
    [`${A} ${B}`, 'entry 1 of 1 has a space inside: separate site instance ids with commas'],
    [`${A},${B}\tc`, 'entry 2 of 2 has a space inside'],
    [`["${A}"]`, 'entry 1 of 1 is not a site instance id: write each one bare (no quotes or brackets)'],
    ['x'.repeat(129), 'entry 1 of 1 is not a site instance id'],
  ])('%j is a problem check reports, naming the entry', async (value, reason) => {
    const env = { WIX_PUBLIC_KEYS: pem, WIX_INSTANCE_IDS: value };
    const report = await configReport(coreSettings, env);
    expect(report.ok).toBe(false);
    expect(report.settings.find((s) => s.name === 'WIX_INSTANCE_IDS')).toMatchObject({ state: 'invalid' });
    expect(report.problems).toEqual([expect.stringContaining(`WIX_INSTANCE_IDS is invalid: ${reason}`)]);
    expect(await checkConfig(coreSettings, env)).toMatch(/WIX_INSTANCE_IDS\s+INVALID\n/);
    // Startup refuses the same value (loadConfig is what runService reads).
    const loaded = await loadConfig(coreSettings, env);
    expect(loaded.ok).toBe(false);
  });
});
