/**
 * Request validation for every endpoint (docs/protocol.md §4–§8; liberal input, §14).
 *
 * BAD_REQUEST vs VALIDATION_ERROR (§12.3; Wix's expectation is unconfirmed,
 * §15 item 14 — both are HTTP 400, so only the body differs):
 *
 * - BAD_REQUEST (no `data`) when the body as a whole is not a request of this
 *   endpoint and no single field can be blamed: the request is not a JSON
 *   object, or it carries both `paging` and `cursorPaging` (a one-of conflict
 *   that §12.3 names as BAD_REQUEST). The message names the location.
 * - VALIDATION_ERROR with one violation per problem for everything that can be
 *   pinned to a field path: missing required key, wrong JSON type, value out of
 *   range, empty or over-long arrays, unknown enum value (e.g. a field type),
 *   duplicate field keys, an aggregation operation without exactly one kind.
 *   §12.3 suggests BAD_REQUEST for some of these (missing key, wrong type,
 *   empty `items`); we deliberately send VALIDATION_ERROR because BAD_REQUEST
 *   carries no `data` and so cannot tell the caller *which* field is wrong.
 *   `badRequest` / `invalid` below are the only places to change if Wix turns
 *   out to want the other code.
 *
 * Item contents are not validated here: wire/codec.ts does that per item so
 * one bad item is a per-item error in a bulk call (§12.3).
 */

import { Errors, type ValueErrorIterator } from '@sinclair/typebox/errors';
import { errors, rejectedValueOf, type SpiError, type Violation } from '../errors.ts';
import { isPlainObject, type JsonObject } from '../plain-object.ts';
import { type EndpointName, REQUEST_SCHEMAS, type RequestOf } from './endpoints.ts';
import { checkJson, LIMITS } from './limits.ts';
import { checkNotReplayed } from './replay-guard.ts';
import { REQUEST_CHECK_CODE } from './request-checks.ts';
import { AGGREGATE_OPERATION_KEYS } from './schemas/items.ts';
import { childPath, MAX_VIOLATIONS, violationsOf } from './violations.ts';

export { normalizeCollectionInput } from './collection-input.ts';
export { ENDPOINTS, type EndpointName, endpointPath, type RequestOf, type ResponseOf } from './endpoints.ts';
export { type ResolvedPaging, resolvePaging } from './paging.ts';

/** What validateRequest uses of TypeBox's TypeCheck: the yes/no, then the details of a no. */
interface RequestCheck {
  Check(value: unknown): boolean;
  Errors(value: unknown): ValueErrorIterator;
}

// Built lazily, once per endpoint: checking is the function TypeBox's TypeCompiler generates for
// the schema, and error details are only computed after a failed check (TypeBox's Errors, which
// is TypeCheck.Errors). The code is generated ahead (request-checks.ts, kept equal to
// TypeCompiler.Code by test/wire/request-checks.test.ts) and evaluated here as
// TypeCompiler.Compile evaluates it: generating it at the first call cost a cold start's first
// answer ~3 ms (the first items/query validation took 3.6 ms, now 0.9).
const compiled = new Map<EndpointName, RequestCheck>();

function checkerFor(endpoint: EndpointName): RequestCheck {
  let check = compiled.get(endpoint);
  if (!check) {
    const schema = REQUEST_SCHEMAS[endpoint];
    // Compile passes its registry lookups and hash as kind, format and hash; the generated code
    // calls none of them (no custom kinds, formats or uniqueItems: the test refuses code that does).
    const test = new Function('kind', 'format', 'hash', REQUEST_CHECK_CODE[endpoint])() as (value: unknown) => boolean;
    check = { Check: test, Errors: (value) => Errors(schema, [], value) };
    compiled.set(endpoint, check);
  }
  return check;
}

function badRequest(message: string): SpiError {
  return errors.badRequest(message);
}

function invalid(violations: readonly Violation[]): SpiError {
  return errors.validation(violations.slice(0, MAX_VIOLATIONS));
}

/** Tolerated spellings that are easier to fix before checking than to type twice. */
function preNormalize(endpoint: EndpointName, body: JsonObject): JsonObject {
  // `query` is required by the contract (§4.1); an absent one means "all items, first page".
  if (endpoint === 'items/query' && body.query == null) return { ...body, query: {} };
  // One reference e2e test sends `dataCollectionId` to the index routes (§7.3).
  if (endpoint.startsWith('indexes/') && body.collectionId === undefined && body.dataCollectionId !== undefined) {
    return { ...body, collectionId: body.dataCollectionId };
  }
  return body;
}

/**
 * Validates the decoded `data.request` of a call to `endpoint` and returns it
 * typed. Unknown keys are kept (and ignored by callers); the object is not
 * copied unless a tolerated spelling had to be rewritten.
 */
export function validateRequest<E extends EndpointName>(endpoint: E, raw: unknown): RequestOf[E] {
  // An absent request is an empty one (capabilities/get and provision take no
  // parameters; for the others the missing keys are then reported by name).
  const input = raw === undefined || raw === null ? {} : raw;
  if (!isPlainObject(input)) {
    throw badRequest(
      `The request of ${endpoint} must be a JSON object, not ${rejectedValueOf(input).slice(0, 80)}. Send the request object Wix documents for ${endpoint}.`,
    );
  }
  const body = preNormalize(endpoint, input);
  // Before the schema check: its error rendering (and everything after it) may recurse into values.
  checkStringsAndDepth(endpoint, body);
  const check = checkerFor(endpoint);
  if (!check.Check(body)) throw invalid(violationsOf(check.Errors(body)));
  checkSemantics(endpoint, body);
  checkNotReplayed(endpoint, body);
  return body as RequestOf[E];
}

// Written items are checked per item by wire/codec.ts, so one bad item stays a per-item error (§12.3).
const PER_ITEM: ReadonlySet<string> = new Set(['items']);
const REQUEST_DEPTH_MESSAGE = `the request nests objects and arrays more than ${LIMITS.requestDepth} levels deep (a filter may nest $and/$or/$not at most ${LIMITS.filterDepth} levels)`;

/** Every string and key well-formed, no nesting beyond LIMITS.requestDepth (wire/limits.ts). */
function checkStringsAndDepth(endpoint: EndpointName, body: JsonObject): void {
  const violations: Violation[] = [];
  const skipTopKeys = endpoint === 'items/insert' || endpoint === 'items/update' ? PER_ITEM : undefined;
  checkJson(
    body,
    '',
    { maxDepth: LIMITS.requestDepth, depthMessage: REQUEST_DEPTH_MESSAGE, ...(skipTopKeys && { skipTopKeys }) },
    violations,
  );
  if (violations.length > 0) throw invalid(violations);
}

/** Rules a JSON schema cannot express (or not with a useful message). */
function checkSemantics(endpoint: EndpointName, body: JsonObject): void {
  switch (endpoint) {
    case 'items/query':
      if (isPlainObject(body.query)) checkOnePaging(body.query, 'query');
      return;
    case 'items/aggregate':
      checkOnePaging(body, '');
      checkAggregateOperations(body);
      return;
    case 'items/query-distinct-values':
    case 'items/query-referenced':
      checkOnePaging(body, '');
      return;
    case 'collections/create':
    case 'collections/update':
      checkUniqueFieldKeys(body.collection);
      return;
    default:
      return;
  }
}

/** §3.3: `paging` XOR `cursorPaging` (a null one counts as absent). */
function checkOnePaging(holder: JsonObject, at: string): void {
  if (holder.paging != null && holder.cursorPaging != null) {
    throw badRequest(
      `${childPath(at, 'paging')} and ${childPath(at, 'cursorPaging')} were both sent; send one of them, matching the collection's pagingMode`,
    );
  }
}

/** §4.3: each operation has exactly one of average/min/max/sum/itemCount (or `count`). */
function checkAggregateOperations(body: JsonObject): void {
  const aggregation = body.aggregation;
  if (!isPlainObject(aggregation) || !Array.isArray(aggregation.operations)) return;
  const violations: Violation[] = [];
  aggregation.operations.forEach((operation: JsonObject, index: number) => {
    const kinds = AGGREGATE_OPERATION_KEYS.filter((key) => operation[key] != null);
    if (kinds.length === 1) return;
    violations.push({
      fieldPath: `aggregation.operations[${index}]`,
      rejectedValue: rejectedValueOf(operation),
      message:
        kinds.length === 0
          ? 'needs one operation: average, min, max, sum or itemCount'
          : `has several operations (${kinds.join(', ')}); send exactly one per resultFieldName`,
    });
  });
  if (violations.length > 0) throw invalid(violations);
}

/** Two fields with one key cannot both exist (§9.1); say which two. */
function checkUniqueFieldKeys(collection: unknown): void {
  if (!isPlainObject(collection) || !Array.isArray(collection.fields)) return;
  const firstAt = new Map<string, number>();
  const violations: Violation[] = [];
  collection.fields.forEach((field: JsonObject, index: number) => {
    const key = field.key as string;
    const earlier = firstAt.get(key);
    if (earlier === undefined) firstAt.set(key, index);
    else
      violations.push({
        fieldPath: `collection.fields[${index}].key`,
        rejectedValue: key,
        message: `duplicate field key; collection.fields[${earlier}] has the same key`,
      });
  });
  if (violations.length > 0) throw invalid(violations);
}
