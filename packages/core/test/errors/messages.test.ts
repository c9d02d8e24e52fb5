/**
 * Every message of the catalogue tells a site owner what went wrong and what
 * to do about it, and cites nothing a site owner cannot open (no internal
 * document, section sign or issue number). One sample per helper: a helper
 * added to `errors` without a sample here fails the first test.
 */
import { describe, expect, test } from 'vitest';
import { errors, type SpiError } from '../../src/errors.ts';
import { NOT_AUTHORIZED, notAuthorized, unsupportedOperation } from '../../src/legacy/errors.ts';
import { LEGACY_OFF_MESSAGE, V3_TOKEN_ON_LEGACY_PATH } from '../../src/legacy/routes.ts';
import { INTERNAL_REFERENCE } from '../internal-references.ts';

/** Words that start a fix: each message must hold at least one. */
const FIX =
  /\b(check|correct|change|choose|use|insert|retry|grant|raise|set|send|skip|remove|add|create|read|look|copy|turn|reconnect|start|compare)\b/i;
const INTERNAL = INTERNAL_REFERENCE;

type Helper = keyof typeof errors;

/**
 * Sample arguments per helper. Pass-through helpers (badRequest,
 * permissionDenied, validation with a message) carry their caller's text:
 * the samples are real call sites' messages.
 */
const SAMPLES: Record<Helper, () => SpiError> = {
  validation: () =>
    errors.validation([
      { fieldPath: 'items[0].heightCm', rejectedValue: '"tall"', message: 'expected a number' },
      { fieldPath: 'items[1].heightCm', rejectedValue: '"short"', message: 'expected a number' },
    ]),
  violation: () =>
    errors.violation('query.filter.name.$matches', '$matches', '$matches is not supported by this database.'),
  badRequest: () => errors.badRequest('paging and cursorPaging were both sent; send one of them'),
  collectionNotFound: () => errors.collectionNotFound('plants'),
  collectionAlreadyExists: () => errors.collectionAlreadyExists('plants'),
  collectionChangeNotSupported: () =>
    errors.collectionChangeNotSupported('plants', [
      { fieldKey: 'height', message: 'field type VECTOR is not supported by this database; supported: TEXT, NUMBER' },
    ]),
  itemNotFound: () => errors.itemNotFound('plants', 'p1'),
  itemAlreadyExists: () => errors.itemAlreadyExists('plants', 'p1'),
  referenceNotFound: () => errors.referenceNotFound('garden', 'p1', 'g1'),
  referenceAlreadyExists: () => errors.referenceAlreadyExists('garden', 'p1', 'g1'),
  unsupported: () => errors.unsupported('query-referenced'),
  unauthorized: () => errors.unauthorized('token audience (aud) is neither a string nor a list of strings'),
  permissionDenied: () =>
    errors.permissionDenied(
      'Access denied: MEMBER callers may not write plants under this adaptor\'s ACCESS_POLICY. To allow it, add "write" for "MEMBER" under "plants" in ACCESS_POLICY.',
    ),
  routeNotFound: () => errors.routeNotFound('POST', '/v3/items/nope'),
  payloadTooLarge: () => errors.payloadTooLarge(),
  selfTestBusy: () => errors.selfTestBusy(),
  databaseMissing: () =>
    errors.databaseMissing(
      'The Spanner database projects/p/instances/i/databases/d',
      'create it or correct SPANNER_DATABASE',
    ),
  unreachable: () => errors.unreachable('Spanner', 'check the network path and SPANNER_EMULATOR_HOST'),
  noCredentials: () => errors.noCredentials('Cloud Spanner', 'roles/spanner.databaseUser'),
  quotaExceeded: () => errors.quotaExceeded('BigQuery', 'quotaExceeded', 'raise the quota in the Google Cloud console'),
  throttled: () => errors.throttled('BigQuery', 'table updates', 'send fewer, larger writes'),
  transientFailure: () => errors.transientFailure('Spanner', 'check the Google Cloud status page'),
  internal: () => errors.internal('req-1'),
  scanBoundExceeded: () =>
    errors.scanBoundExceeded({
      collectionId: 'plants',
      bound: 20000,
      found: 25000,
      engine: 'Firestore',
      unanswered: "'title' $contains",
      fix: 'Add a condition Firestore can answer, or raise FIRESTORE_SCAN_LIMIT.',
      data: { evaluatedInMemory: ["'title' $contains"] },
    }),
  numberOutOfRange: () => errors.numberOutOfRange('sum', ['price']),
  tooManyDistinctValues: () => errors.tooManyDistinctValues('plants', 'cat', 5000, 20000),
  writeRefused: () => errors.writeRefused('Firestore', 'item a1', 'the document is too large', { itemId: 'a1' }),
  unavailable: () => errors.unavailable('Cloud Spanner'),
  accessDenied: () => errors.accessDenied('Cloud Spanner', 'roles/spanner.databaseUser'),
  writeOutcomeUnknown: () => errors.writeOutcomeUnknown(errors.unavailable('Firestore')),
  deadlineExceeded: () => errors.deadlineExceeded(5000, 'write'),
};

describe('catalogue messages', () => {
  test('every helper of the catalogue has a sample here', () => {
    expect(Object.keys(SAMPLES).sort()).toEqual(Object.keys(errors).sort());
  });

  test.each(Object.keys(SAMPLES) as Helper[])('%s names the cause and the fix, and cites nothing internal', (name) => {
    const message = SAMPLES[name]().message;
    expect(message, message).toMatch(FIX);
    expect(message, message).not.toMatch(INTERNAL);
    // At least a cause and a fix: two clauses, not a bare label like "Error".
    expect(message.length, message).toBeGreaterThan(40);
    expect(message, message).not.toMatch(/\.\./);
  });

  test('helpers without their optional parts still say what to do', () => {
    for (const message of [
      errors.validation([]).message,
      errors.internal().message,
      errors.deadlineExceeded(5000, 'read').message,
      errors.collectionChangeNotSupported('plants', []).message,
      // A database's message with its own full stop (Spanner's refusal of a concurrent schema change).
      errors.collectionChangeNotSupported('plants', [
        {
          fieldKey: '',
          message: 'Schema change operation rejected because a read-write transaction is already in progress.',
        },
      ]).message,
      errors.unsupported('Sorting by x', 'arrays are not sortable.').message,
    ]) {
      expect(message, message).toMatch(FIX);
      expect(message, message).not.toMatch(INTERNAL);
      expect(message, message).not.toMatch(/\.\./);
    }
  });

  test('the legacy catalogue does too', () => {
    for (const message of [
      notAuthorized().message,
      NOT_AUTHORIZED,
      unsupportedOperation(
        'Changing collections',
        'this adaptor runs with a read-only schema; make the change in the database itself',
      ).message,
      LEGACY_OFF_MESSAGE,
      V3_TOKEN_ON_LEGACY_PATH,
    ]) {
      expect(message, message).toMatch(FIX);
      expect(message, message).not.toMatch(INTERNAL);
    }
    // The reference adaptor's words come first, so a site matching on them keeps working.
    expect(NOT_AUTHORIZED.startsWith('You are not authorized')).toBe(true);
  });
});
