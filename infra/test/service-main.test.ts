/**
 * The three services' composition roots are one form (caches, then the core's
 * runService: config, build, listen, drain; the storage from open-storage.ts):
 * services/<name>/src/main.ts differ only in the service's name, title and
 * settings record.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SERVICES, serviceDir } from './support/services.ts';

const TITLES: Record<(typeof SERVICES)[number], string> = {
  spanner: 'Cloud Spanner',
  firestore: 'Firestore',
  bigquery: 'BigQuery',
};

function form(service: (typeof SERVICES)[number]): string {
  return readFileSync(join(serviceDir(service), 'src', 'main.ts'), 'utf8')
    .replaceAll(TITLES[service], 'TITLE')
    .replaceAll(`${service}Settings`, 'SETTINGS')
    .replaceAll(service, 'NAME');
}

describe.each(SERVICES)('services/%s/src/main.ts', (service) => {
  it('is the spanner main.ts with the name, title and settings swapped', () => {
    expect(form(service)).toBe(form('spanner'));
  });

  it('enables the compile cache before importing anything heavy', () => {
    const text = readFileSync(join(serviceDir(service), 'src', 'main.ts'), 'utf8');
    const staticImports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(staticImports).toEqual(['node:module']);
    expect(text.indexOf('enableCompileCache();')).toBeLessThan(text.indexOf("import('@adaptors/core')"));
  });
});
