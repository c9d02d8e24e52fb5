// Checks over combinations of settings (sizing at max scale): refused at startup (loadConfig) and by `config check`.
import { describe, expect, test } from 'vitest';
import { checkConfig } from '../../src/config/describe.ts';
import { loadConfig } from '../../src/config/load.ts';
import { integer } from '../../src/config/parsers.ts';
import { defineSettings, setting, withChecks } from '../../src/config/settings.ts';

const specs = withChecks(
  defineSettings({
    instances: setting({ name: 'N', description: 'instances', default: '10', parse: integer({ min: 1, max: 100 }) }),
    each: setting({ name: 'EACH', description: 'per instance', default: '10', parse: integer({ min: 1, max: 100 }) }),
  }),
  (config) =>
    config.instances * config.each > 100
      ? [{ name: 'N', message: `N × EACH = ${config.instances * config.each}` }]
      : [],
);

describe('withChecks', () => {
  test('a combination within bounds loads', async () => {
    const result = await loadConfig(specs, {});
    expect(result.ok).toBe(true);
  });

  test('a combination out of bounds is refused at load and reported by checkConfig', async () => {
    const result = await loadConfig(specs, { N: '20' });
    expect(result).toEqual({ ok: false, problems: [{ name: 'N', message: 'N × EACH = 200' }] });
    const report = await checkConfig(specs, { N: '20' });
    expect(report).toContain('Configuration has 1 problem.');
    expect(report).toContain('  - N × EACH = 200');
  });

  test('spreading a checked record copies its settings, not its checks', async () => {
    const spread = defineSettings({ ...specs });
    expect((await loadConfig(spread, { N: '20' })).ok).toBe(true);
  });
});
