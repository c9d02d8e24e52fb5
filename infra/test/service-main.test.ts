/**
 * The three services' entry points are one form: services/<name>/src/start.ts (the composition
 * root: the core's runService over the storage from open-storage.ts) and src/main.ts (caches,
 * then start.ts) differ only in the service's name, title and settings record.
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

const source = (service: (typeof SERVICES)[number], file: string) =>
  readFileSync(join(serviceDir(service), 'src', file), 'utf8');

function form(service: (typeof SERVICES)[number], file: string): string {
  return source(service, file)
    .replaceAll(TITLES[service], 'TITLE')
    .replaceAll(`${service}Settings`, 'SETTINGS')
    .replaceAll(service, 'NAME');
}

describe.each(SERVICES)('services/%s/src', (service) => {
  it.each(['main.ts', 'start.ts'])('%s is the spanner one with the name, title and settings swapped', (file) => {
    expect(form(service, file)).toBe(form('spanner', file));
  });

  it('main.ts enables the compile cache before importing anything heavy', () => {
    const text = source(service, 'main.ts');
    const staticImports = [...text.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    expect(staticImports).toEqual(['node:module']);
    expect(text.indexOf('enableCompileCache();')).toBeLessThan(text.indexOf("import('./start.ts')"));
  });

  it('start.ts imports nothing statically (the bundle loads its chunks on the first call)', () => {
    expect(source(service, 'start.ts')).not.toMatch(/^import /m);
  });
});
