/** The README's configuration table is the settings' own description (no drift). */
import { readFileSync } from 'node:fs';
import { describeSettings } from '@adaptors/core';
import { expect, test } from 'vitest';
import { firestoreSettings } from '../src/settings.ts';

/** Markdown formatters pad table cells: compare cell contents only. */
const cells = (markdown: string) =>
  markdown
    .replace(/ *\| */g, '|')
    .replace(/-{3,}/g, '---')
    .replace(/[ \t]+/g, ' ');

test('README lists every setting as describeSettings renders it', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  expect(cells(readme)).toContain(cells(describeSettings(firestoreSettings)));
});
