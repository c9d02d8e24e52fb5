/** TYPES.md is what the code renders (src/type-table.ts): regenerate with UPDATE_TYPES_DOCS=1. */
import { expectGeneratedDoc } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { bigqueryTypeTable } from '../src/type-table.ts';

const file = new URL('../TYPES.md', import.meta.url).pathname;

test('TYPES.md is the type table the code renders', () => {
  expectGeneratedDoc(file, bigqueryTypeTable(), 'UPDATE_TYPES_DOCS');
});

test('the table says what an INT64 column is', () => {
  expect(bigqueryTypeTable()).toMatch(/\| `INT64` \| TEXT \| string: the exact decimal text/);
});
