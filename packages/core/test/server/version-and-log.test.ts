import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/log.ts';
import { packageVersion } from '../../src/server/version.ts';

describe('packageVersion', () => {
  it("reads the nearest package.json above the module: this package's version", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
      version: string;
    };
    expect(packageVersion(import.meta.url)).toBe(version);
  });

  it('falls back to a marked unknown version outside any package', () => {
    expect(packageVersion('file:///no-such-folder/main.js')).toBe('0.0.0-unknown');
  });

  it("the core's index, imported and asked the version, loads neither fs/promises nor readline (~6 ms of a start)", () => {
    // In a process of its own, as a service's main.ts imports the core first.
    const index = fileURLToPath(new URL('../../src/index.ts', import.meta.url));
    const script = `
      const core = await import(${JSON.stringify(index)});
      core.packageVersion(${JSON.stringify(import.meta.url)});
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => /readline|fs\\/promises/.test(m))));
    `;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });
});

describe('createLogger base fields', () => {
  it('adds the base fields (serviceContext) to every line, after the event fields', () => {
    const lines: string[] = [];
    const logger = createLogger({
      sink: { write: (line) => lines.push(line) },
      base: { serviceContext: { service: 'wix-gcp-adaptors-spanner', version: '1.2.3' } },
    });
    logger.log('ERROR', 'boom', { operation: 'items/query' });
    logger.log('INFO', 'plain');
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed[0]).toMatchObject({
      severity: 'ERROR',
      message: 'boom',
      operation: 'items/query',
      serviceContext: { service: 'wix-gcp-adaptors-spanner', version: '1.2.3' },
    });
    expect(parsed[1].serviceContext.version).toBe('1.2.3');
    expect(lines.every((line) => line.endsWith('}\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
  });
});
