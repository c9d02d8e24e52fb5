/**
 * `node packages/cli/dist/cli.js …` (the command `npm start` prints) runs the CLI on every Node
 * the project supports: `import.meta.main` exists from Node 24.2 only (src/cli.ts isMainModule).
 */
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { isMainModule } from '../src/cli.ts';

describe('isMainModule', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cli-main-'));
  const file = join(dir, 'cli.js');
  writeFileSync(file, '');
  const url = pathToFileURL(file).href;

  test("Node's own answer wins where it has one", () => {
    expect(isMainModule({ url, main: true }, '/elsewhere.js')).toBe(true);
    expect(isMainModule({ url, main: false }, file)).toBe(false);
  });

  test('without import.meta.main: the script Node started, through a symlink too', () => {
    expect(isMainModule({ url }, file)).toBe(true);
    const link = join(dir, 'link.js');
    symlinkSync(file, link);
    expect(isMainModule({ url }, link)).toBe(true);
    expect(isMainModule({ url }, join(dir, 'other.js'))).toBe(false);
    expect(isMainModule({ url }, undefined)).toBe(false);
  });
});
