/**
 * TYPES.md is what the code renders (src/type-table.ts): regenerate with UPDATE_TYPES_DOCS=1.
 * README.md's rule for writable collections is the code's (src/collections.ts).
 */
import { readFileSync } from 'node:fs';
import { SYSTEM_FIELDS } from '@adaptors/core';
import { expectGeneratedDoc } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { spannerTypeTable } from '../src/type-table.ts';

const file = new URL('../TYPES.md', import.meta.url).pathname;

test('TYPES.md is the type table the code renders', () => {
  expectGeneratedDoc(file, spannerTypeTable(), 'UPDATE_TYPES_DOCS');
});

test('the table says what an INT64 column is', () => {
  expect(spannerTypeTable()).toMatch(/\| `INT64` \| TEXT \| string: the exact decimal text/);
});

test('README.md says a collection is writable only with all four system columns, _id a STRING', () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const rule = /^- A collection is \*\*writable\*\*[\s\S]*?(?=\n- |\n\n)/m.exec(readme)?.[0] ?? '';
  for (const { key } of SYSTEM_FIELDS) expect(rule).toContain(`\`${key}`);
  expect(rule).toContain('`_id STRING`');
  expect(rule).toMatch(/INT64`\s+`_id`\s+is not enough/);
});
