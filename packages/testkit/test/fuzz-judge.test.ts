/**
 * The fuzz judge on bulk-write answers (src/fuzz/judge.ts). An engine that
 * refuses an item's value for its own reasons (Firestore's reserved
 * `$wixArray` key) checks it before it looks the item up, as the core does
 * with its own value rules; the reference has no such rule and reports the
 * item missing or already there. That is the engine's refusal, printed after
 * the run, not a different answer (it was, with FUZZ_PENDING=1 on Firestore).
 */
import { describe, expect, test } from 'vitest';
import type { CallResult } from '../src/client.ts';
import { judgeAnswer } from '../src/fuzz/judge.ts';

const answer = (results: unknown[]): CallResult => ({ status: 200, body: { results }, headers: new Headers() });
const error = (errorCode: string) => ({ error: { errorCode, errorMessage: `${errorCode} message` } });
const ok = { item: { _id: 'a' } };

describe('fuzz judge: per-item write outcomes', () => {
  test("an engine's VALIDATION_ERROR where the reference found the item missing or present is a refusal", () => {
    for (const reference of ['ITEM_NOT_FOUND', 'ITEM_ALREADY_EXISTS']) {
      const verdict = judgeAnswer(
        'write',
        'items/update',
        {},
        answer([error('VALIDATION_ERROR'), ok]),
        answer([error(reference), ok]),
      );
      expect(verdict.finding).toBeUndefined();
      expect(verdict.refusal).toContain('VALIDATION_ERROR message');
    }
  });

  test('a different outcome that is not an engine refusal stays a finding', () => {
    const cases: [unknown, unknown][] = [
      [error('ITEM_NOT_FOUND'), ok],
      [ok, error('ITEM_NOT_FOUND')],
      [error('ITEM_ALREADY_EXISTS'), error('ITEM_NOT_FOUND')],
      [error('UNKNOWN_ERROR'), ok],
      [error('VALIDATION_ERROR'), error('UNKNOWN_ERROR')],
    ];
    for (const [service, reference] of cases) {
      const verdict = judgeAnswer('write', 'items/insert', {}, answer([service]), answer([reference]));
      expect(verdict.finding?.kind, JSON.stringify({ service, reference })).toBe('different answer');
    }
  });

  test('the same outcomes are no finding and no refusal', () => {
    const verdict = judgeAnswer(
      'write',
      'items/insert',
      {},
      answer([ok, error('ITEM_NOT_FOUND')]),
      answer([ok, error('ITEM_NOT_FOUND')]),
    );
    expect(verdict).toEqual({});
  });
});
