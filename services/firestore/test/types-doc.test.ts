/** TYPES.md is what the code renders (src/type-table.ts): regenerate with UPDATE_TYPES_DOCS=1. */
import { expectGeneratedDoc } from '@adaptors/testkit';
import { expect, test } from 'vitest';
import { firestoreTypeTable } from '../src/type-table.ts';

const file = new URL('../TYPES.md', import.meta.url).pathname;

test('TYPES.md is the type table the code renders', () => {
  expectGeneratedDoc(file, firestoreTypeTable(), 'UPDATE_TYPES_DOCS');
});

test('the table says an int64 beyond 2^53 is exact text', () => {
  expect(firestoreTypeTable()).toContain(
    '| integer beyond ±(2^53−1) (int64, e.g. 9007199254740993) | TEXT | string: "9007199254740993" |',
  );
});
