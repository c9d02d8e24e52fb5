import { expect } from 'vitest';
import { type ErrorCode, SpiError, type Violation } from '../../src/errors.ts';

/** Runs `fn`, expects an SpiError with `code`, returns it. */
export function spiErrorOf(fn: () => unknown, code: ErrorCode): SpiError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'expected an SpiError').toBeInstanceOf(SpiError);
  const error = caught as SpiError;
  expect(error.code, error.message).toBe(code);
  return error;
}

export function violationsOf(error: SpiError): Violation[] {
  return ((error.data as { violations?: Violation[] } | null)?.violations ?? []) as Violation[];
}

/** Expects a VALIDATION_ERROR with a violation at `fieldPath`; returns that violation. */
export function expectViolation(fn: () => unknown, fieldPath: string): Violation {
  const error = spiErrorOf(fn, 'VALIDATION_ERROR');
  const violations = violationsOf(error);
  const found = violations.find((violation) => violation.fieldPath === fieldPath);
  expect(found, `violation at ${fieldPath}; got ${JSON.stringify(violations)}`).toBeDefined();
  expect(typeof found?.rejectedValue).toBe('string');
  expect(found?.message.length).toBeGreaterThan(0);
  return found as Violation;
}
