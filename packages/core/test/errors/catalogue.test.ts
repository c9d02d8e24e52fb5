/**
 * The error catalogue is total (docs/protocol.md §12): every code Wix documents, and
 * every code the core uses, has one HTTP status and renders the §12.2
 * superset body; per-item errors render the §3.6 object.
 */
import { describe, expect, test } from 'vitest';
import { ERROR_STATUS, type ErrorCode, errors, rejectedValueOf, SpiError } from '../../src/errors.ts';

// docs/protocol.md §12.1: Wix's documented codes and their statuses.
const DOCUMENTED: Record<string, number> = {
  ITEM_NOT_FOUND: 404,
  ITEM_ALREADY_EXISTS: 409,
  COLLECTION_NOT_FOUND: 404,
  COLLECTION_ALREADY_EXISTS: 409,
  COLLECTION_CHANGE_NOT_SUPPORTED: 400,
  REFERENCE_NOT_FOUND: 404,
  REFERENCE_ALREADY_EXISTS: 409,
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
};

describe('the catalogue', () => {
  test('every documented code is present with its documented status', () => {
    for (const [code, status] of Object.entries(DOCUMENTED)) {
      expect(ERROR_STATUS[code as ErrorCode], code).toBe(status);
    }
  });

  test.each(Object.keys(ERROR_STATUS) as ErrorCode[])(
    '%s has a 4xx/5xx status and renders both body shapes',
    (code) => {
      const status = ERROR_STATUS[code];
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(600);
      const error = new SpiError(code, 'what happened and what to do', { key: 'value' });
      expect(error.status).toBe(status);
      expect(error.toBody()).toEqual({
        errorCode: code,
        errorMessage: 'what happened and what to do',
        data: { key: 'value' },
        applicationError: { code, description: 'what happened and what to do', data: { key: 'value' } },
      });
      expect(error.toObject()).toEqual({
        errorCode: code,
        errorMessage: 'what happened and what to do',
        data: { key: 'value' },
      });
    },
  );

  test('every helper produces a catalogued code with the data Wix expects (§12.1)', () => {
    const made: [SpiError, ErrorCode, Record<string, unknown> | null][] = [
      [errors.itemNotFound('plants', 'x'), 'ITEM_NOT_FOUND', { itemId: 'x' }],
      [errors.itemAlreadyExists('plants', 'x'), 'ITEM_ALREADY_EXISTS', { itemId: 'x' }],
      [errors.collectionNotFound('plants'), 'COLLECTION_NOT_FOUND', { collectionId: 'plants' }],
      [errors.collectionAlreadyExists('plants'), 'COLLECTION_ALREADY_EXISTS', { collectionId: 'plants' }],
      [
        errors.collectionChangeNotSupported('plants', [{ fieldKey: 'f', message: 'm' }]),
        'COLLECTION_CHANGE_NOT_SUPPORTED',
        { errors: [{ fieldKey: 'f', message: 'm' }] },
      ],
      [errors.referenceNotFound('f', 'a', 'b'), 'REFERENCE_NOT_FOUND', { referringItemId: 'a', referencedItemId: 'b' }],
      [
        errors.referenceAlreadyExists('f', 'a', 'b'),
        'REFERENCE_ALREADY_EXISTS',
        { referringItemId: 'a', referencedItemId: 'b' },
      ],
      [
        errors.violation('query.filter.x', 5, 'bad'),
        'VALIDATION_ERROR',
        { violations: [{ fieldPath: 'query.filter.x', rejectedValue: '5', message: 'bad' }] },
      ],
      [errors.badRequest('both paging kinds were sent'), 'BAD_REQUEST', null],
      [errors.unauthorized('token expired'), 'UNAUTHORIZED', { description: 'token expired' }],
      [errors.internal('r1'), 'UNKNOWN_ERROR', { requestId: 'r1' }],
      [errors.deadlineExceeded(5000, 'read'), 'DEADLINE_EXCEEDED', { deadlineMs: 5000 }],
      [errors.deadlineExceeded(5000, 'write'), 'DEADLINE_EXCEEDED', { deadlineMs: 5000, writeOutcome: 'UNKNOWN' }],
      [errors.writeOutcomeUnknown(errors.unavailable('Firestore')), 'SERVICE_UNAVAILABLE', { writeOutcome: 'UNKNOWN' }],
    ];
    for (const [error, code, data] of made) {
      expect(error.code).toBe(code);
      expect(error.data).toEqual(data);
      expect(error.message.length).toBeGreaterThan(10);
    }
  });

  test('unavailable and accessDenied each read as one sentence: what failed, then what to do', () => {
    expect(errors.unavailable('Cloud Spanner').message).toBe(
      "Cloud Spanner is not reachable right now; retry shortly. If this persists, check the database and the adaptor's service account.",
    );
    expect(errors.unavailable('The BigQuery dataset', 'check BIGQUERY_PROJECT and BIGQUERY_DATASET').message).toBe(
      'The BigQuery dataset is not reachable right now; retry shortly. If this persists, check BIGQUERY_PROJECT and BIGQUERY_DATASET.',
    );
    const denied = errors.accessDenied('Cloud Spanner', 'roles/spanner.databaseUser');
    expect(denied.code).toBe('SERVICE_UNAVAILABLE');
    expect(denied.message).toBe(
      "Cloud Spanner refused the adaptor's credentials; grant its service account roles/spanner.databaseUser.",
    );
  });

  test('violations are capped at 100 and rejected values are strings of at most 1000 characters', () => {
    const many = Array.from({ length: 150 }, (_, i) => ({ fieldPath: `f${i}`, rejectedValue: 'x', message: 'm' }));
    expect((errors.validation(many).data as { violations: unknown[] }).violations).toHaveLength(100);
    expect(rejectedValueOf('y'.repeat(5000))).toHaveLength(1000);
    expect(rejectedValueOf({ a: 1 })).toBe('{"a":1}');
    expect(rejectedValueOf(undefined)).toBe('undefined');
  });
});
