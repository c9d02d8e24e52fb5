import fc from 'fast-check';
import { expect, test } from 'vitest';
// The evaluator's own pattern builder: the SQL must run the same pattern text.
import * as core from '../../core/src/query/patterns.ts';
import { matchesPattern } from '../src/patterns.ts';

const part = fc.record({
  type: fc.constantFrom('literal' as const, 'anyOf' as const),
  value: fc.string({ minLength: 1 }),
});

test('$matches pattern text equals the evaluator’s', () => {
  fc.assert(
    fc.property(fc.array(part, { minLength: 1 }), fc.boolean(), (parts, ignoreCase) => {
      expect(matchesPattern(parts, ignoreCase)).toBe(core.matchesPattern(parts, ignoreCase));
    }),
  );
});

test('metacharacters are literal, anyOf is a class, anchored', () => {
  expect(
    matchesPattern(
      [
        { type: 'literal', value: 'C++ (x)' },
        { type: 'anyOf', value: '-]^' },
      ],
      true,
    ),
  ).toBe('^(?:c\\+\\+ \\(x\\)[\\-\\]\\^])$');
  expect(matchesPattern([{ type: 'anyOf', value: '' }], false)).toBeUndefined();
});
