import { expect, test } from 'vitest';
import { placeholder } from '../src/index.ts';

test('smoke', () => {
  expect(placeholder).toBe(1);
});
