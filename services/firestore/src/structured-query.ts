/**
 * The Firestore v1 RunQueryRequest of a pushed read (planner.ts): the
 * StructuredQuery the client's Query builder sends for the same filters,
 * order, cursor, projection, offset and limit, compiled from the plan without
 * the client (a pure function, no I/O). It lets document reads go through the
 * client's own v1 gapic `runQuery` and skip its Query/DocumentSnapshot layer,
 * which costs about a fifth of the service's CPU per 50-document query
 * (packages/bench/RESULTS.md, "Latest run", the GAPIC prototype).
 *
 * The request is the one the client would send: test/structured-query.test.ts
 * compares it with the client's own serialisation of the same query. Values are
 * encoded as the client's serializer does (a safe integer is an integerValue,
 * any other number a doubleValue; a Date a timestampValue), `== null`/`== NaN`
 * and their `!=` become unary filters, and a document id is a reference to the
 * document in the queried collection.
 */
import type { PushedField, PushedFilter, PushedOp, PushedOrder, PushedScalar } from './planner.ts';
import { valueMember } from './proto-documents.ts';
import { unsafeIntegerOfText } from './values.ts';

/** google.firestore.v1.Value as the gapic client takes it (one member set). */
export type ProtoValue =
  | { readonly nullValue: 'NULL_VALUE' }
  | { readonly booleanValue: boolean }
  | { readonly integerValue: number | string }
  | { readonly doubleValue: number }
  | { readonly stringValue: string }
  | { readonly timestampValue: { readonly seconds: number; readonly nanos: number } }
  | { readonly referenceValue: string }
  | { readonly bytesValue: Uint8Array }
  | { readonly arrayValue: { readonly values: readonly ProtoValue[] } }
  | { readonly mapValue: { readonly fields: Readonly<Record<string, ProtoValue>> } };

interface FieldReference {
  readonly fieldPath: string;
}

export type ProtoFilter =
  | { readonly fieldFilter: { readonly field: FieldReference; readonly op: string; readonly value: ProtoValue } }
  | { readonly unaryFilter: { readonly field: FieldReference; readonly op: string } }
  | { readonly compositeFilter: { readonly op: 'AND' | 'OR'; readonly filters: readonly ProtoFilter[] } };

export interface ProtoOrder {
  readonly field: FieldReference;
  readonly direction: 'ASCENDING' | 'DESCENDING';
}

export interface StructuredQuery {
  readonly from: readonly [{ readonly collectionId: string }];
  readonly where?: ProtoFilter;
  readonly orderBy?: readonly ProtoOrder[];
  readonly startAt?: { readonly values: readonly ProtoValue[] };
  readonly offset?: number;
  readonly limit?: { readonly value: number };
  readonly select?: { readonly fields: readonly FieldReference[] };
}

export interface RunQueryRequest {
  readonly parent: string;
  readonly structuredQuery: StructuredQuery;
}

/** The collection a read targets: its database and id. */
export interface QueryTarget {
  readonly projectId: string;
  readonly databaseId: string;
  readonly collectionId: string;
}

/** One read: the plan's pushed conjuncts and what the executor adds to them. */
export interface ReadShape {
  /** Conjuncts Firestore evaluates (FilterPlan.pushed). */
  readonly filters: readonly PushedFilter[];
  /** Top-level field paths to read (segments); undefined: whole documents; []: only names. */
  readonly select?: readonly (readonly string[])[] | undefined;
  readonly order?: readonly PushedOrder[] | undefined;
  /** Start after these values, one per `order` key (already encoded: a keyset or a read document's). */
  readonly startAfter?: readonly ProtoValue[] | undefined;
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
}

/** `projects/{p}/databases/{d}/documents`: the parent of a root collection. */
export function documentsPath(target: Pick<QueryTarget, 'projectId' | 'databaseId'>): string {
  return `projects/${target.projectId}/databases/${target.databaseId}/documents`;
}

export function runQueryRequest(target: QueryTarget, shape: ReadShape): RunQueryRequest {
  const where = conjunction(shape.filters.map((f) => protoFilter(target, f)));
  const structuredQuery: StructuredQuery = {
    from: [{ collectionId: target.collectionId }],
    ...(where ? { where } : {}),
    ...(shape.order && shape.order.length > 0 ? { orderBy: shape.order.map(protoOrder) } : {}),
    ...(shape.startAfter ? { startAt: { values: shape.startAfter } } : {}),
    ...(shape.offset ? { offset: shape.offset } : {}),
    ...(shape.limit !== undefined ? { limit: { value: shape.limit } } : {}),
    ...(shape.select
      ? {
          select: {
            fields:
              shape.select.length === 0
                ? [{ fieldPath: '__name__' }]
                : shape.select.map((segments) => ({ fieldPath: formattedPath(segments) })),
          },
        }
      : {}),
  };
  return { parent: documentsPath(target), structuredQuery };
}

/** An AND of the filters, or the one filter alone (the client's composite of one is that filter). */
function conjunction(filters: readonly ProtoFilter[]): ProtoFilter | undefined {
  if (filters.length <= 1) return filters[0];
  return { compositeFilter: { op: 'AND', filters } };
}

function protoFilter(target: QueryTarget, filter: PushedFilter): ProtoFilter {
  if (filter.kind !== 'where') {
    const parts = filter.filters.map((f) => protoFilter(target, f));
    if (parts.length === 1) return parts[0] as ProtoFilter;
    return { compositeFilter: { op: filter.kind === 'and' ? 'AND' : 'OR', filters: parts } };
  }
  const [op, value] = withStoredIntegers(filter.op, filter.value);
  const field = { fieldPath: protoFieldPath(filter.field) };
  if ((op === '==' || op === '!=') && (value === null || Number.isNaN(value))) {
    const what = value === null ? 'NULL' : 'NAN';
    return { unaryFilter: { field, op: op === '==' ? `IS_${what}` : `IS_NOT_${what}` } };
  }
  const encode = (v: PushedScalar) => (filter.field.kind === 'id' ? referenceTo(target, v) : encodeValue(v, target));
  return {
    fieldFilter: {
      field,
      op: OPERATORS[op],
      value: Array.isArray(value) ? { arrayValue: { values: value.map(encode) } } : encode(value as PushedScalar),
    },
  };
}

const OPERATORS: Record<PushedOp, string> = {
  '<': 'LESS_THAN',
  '<=': 'LESS_THAN_OR_EQUAL',
  '>': 'GREATER_THAN',
  '>=': 'GREATER_THAN_OR_EQUAL',
  '==': 'EQUAL',
  '!=': 'NOT_EQUAL',
  in: 'IN',
  'array-contains': 'ARRAY_CONTAINS',
  'array-contains-any': 'ARRAY_CONTAINS_ANY',
};

function protoOrder(order: PushedOrder): ProtoOrder {
  return {
    field: { fieldPath: protoFieldPath(order.field) },
    direction: order.direction === 'desc' ? 'DESCENDING' : 'ASCENDING',
  };
}

type PushedValue = PushedScalar | readonly PushedScalar[];

/**
 * An integer beyond ±2^53 is answered as its decimal text (values.ts
 * `integerValue`), so a text operand equal to that text must also find the
 * stored integer: `==`/`in` with such a text also look for the integer (the
 * executor re-checks every candidate with the evaluator on the answered text).
 */
export function withStoredIntegers(op: PushedOp, value: PushedValue): [PushedOp, PushedValue] {
  if (op === '==' && typeof value === 'string') {
    const integer = unsafeIntegerOfText(value);
    if (integer !== undefined) return ['in', [value, integer]];
  }
  if (op === 'in' && Array.isArray(value)) {
    const integers = value.flatMap((v) => {
      const integer = typeof v === 'string' ? unsafeIntegerOfText(v) : undefined;
      return integer === undefined ? [] : [integer];
    });
    // Over Firestore's 30 values the query is refused by Firestore (an error, never a wrong answer).
    if (integers.length > 0) return ['in', [...value, ...integers]];
  }
  return [op, value];
}

/** A field as the client formats it: `__name__` for the document id, else dotted segments, quoted when not plain. */
export function protoFieldPath(field: PushedField): string {
  return field.kind === 'id' ? '__name__' : formattedPath(field.segments);
}

const PLAIN_SEGMENT = /^[_a-zA-Z][_a-zA-Z0-9]*$/;

function formattedPath(segments: readonly string[]): string {
  return segments
    .map((s) => (PLAIN_SEGMENT.test(s) ? s : `\`${s.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``))
    .join('.');
}

/** A document id as a reference to that document of the queried collection. */
export function referenceTo(target: QueryTarget, id: PushedScalar): ProtoValue {
  if (typeof id !== 'string' || id.length === 0 || id.includes('/')) {
    throw new TypeError(`a document id must be a non-empty string without '/', got ${String(id)}`);
  }
  return { referenceValue: `${documentsPath(target)}/${target.collectionId}/${id}` };
}

/**
 * A filter or cursor value, encoded as the client's serializer encodes it; a reference
 * (planner.ts TextualValue) names a document of `target`'s database.
 */
export function encodeValue(value: PushedScalar, target?: Pick<QueryTarget, 'projectId' | 'databaseId'>): ProtoValue {
  if (value === null) return { nullValue: 'NULL_VALUE' };
  switch (typeof value) {
    case 'string':
      return { stringValue: value };
    case 'boolean':
      return { booleanValue: value };
    case 'bigint':
      return { integerValue: value.toString() };
    case 'number':
      return Number.isSafeInteger(value) && !Object.is(value, -0) ? { integerValue: value } : { doubleValue: value };
  }
  if (!(value instanceof Date)) {
    if (value.kind === 'bytes') return { bytesValue: Buffer.from(value.base64, 'base64') };
    if (!target) throw new TypeError('a reference value needs the database it names a document of');
    return { referenceValue: `${documentsPath(target)}/${value.path}` };
  }
  // A Date: whole seconds (floored, also before 1970) and the nanoseconds after them.
  const ms = value.getTime();
  const seconds = Math.floor(ms / 1000);
  return { timestampValue: { seconds, nanos: (ms - seconds * 1000) * 1_000_000 } };
}

/** A keyset (one value per order key, ids as plain strings) as cursor values. */
export function keysetCursor(
  target: QueryTarget,
  order: readonly PushedOrder[],
  values: readonly PushedScalar[],
): ProtoValue[] {
  return values.map((v, i) => (order[i]?.field.kind === 'id' ? referenceTo(target, v) : encodeValue(v)));
}

/**
 * The order a page cursor is built for. A read with an explicit order (the
 * planner's ends with the document id) pages in it; a read without one pages
 * in Firestore's implicit order, which the client spells out once it starts
 * after a document: the inequality fields (range or `!=`, by field path), then
 * the document id, ascending.
 */
export function cursorOrder(filters: readonly PushedFilter[], order?: readonly PushedOrder[]): readonly PushedOrder[] {
  if (order && order.length > 0) return order;
  const sorted = [...inequalityPaths(filters)].sort(compareSegments);
  return [
    ...sorted.map((segments) => ({ field: { kind: 'path' as const, segments }, direction: 'asc' as const })),
    { field: { kind: 'id' }, direction: 'asc' },
  ];
}

/**
 * The field paths with a pushed inequality (a range or `!=`; not the document
 * id), each once, in the order the filters name them. Firestore orders such a
 * read by them, so a projected read must also select them (paged-reads.ts).
 */
export function inequalityPaths(filters: readonly PushedFilter[]): (readonly string[])[] {
  const paths = new Map<string, readonly string[]>();
  const visit = (filter: PushedFilter): void => {
    if (filter.kind !== 'where') {
      filter.filters.forEach(visit);
      return;
    }
    if (filter.field.kind === 'path' && INEQUALITIES.has(filter.op)) {
      paths.set(formattedPath(filter.field.segments), filter.field.segments);
    }
  };
  filters.forEach(visit);
  return [...paths.values()];
}

const INEQUALITIES = new Set<PushedOp>(['<', '<=', '>', '>=', '!=']);

/** The client's field path order: segment by segment, then the shorter first. */
function compareSegments(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * The cursor after a read document, in `order`: its values of the ordered
 * fields as Firestore sent them, and its name. Undefined when the document
 * lacks one of them (the client refuses such a cursor too).
 */
export function cursorAfter(
  document: { readonly name: string; readonly fields?: Readonly<Record<string, unknown>> | null },
  order: readonly PushedOrder[],
): ProtoValue[] | undefined {
  const values: ProtoValue[] = [];
  for (const o of order) {
    if (o.field.kind === 'id') {
      values.push({ referenceValue: document.name });
      continue;
    }
    let value: unknown = { mapValue: { fields: document.fields ?? {} } };
    for (const segment of o.field.segments) {
      value = (value as { mapValue?: { fields?: Record<string, unknown> } }).mapValue?.fields?.[segment];
      if (value === undefined) return undefined;
    }
    values.push(plainValue(value as DecodedValue));
  }
  return values;
}

/** A Value of a decoded response (response-decoder.ts): proto-documents.ts `valueMember` names the member set. */
interface DecodedValue {
  readonly arrayValue?: { readonly values?: readonly DecodedValue[] | null } | null;
  readonly mapValue?: { readonly fields?: Readonly<Record<string, DecodedValue>> | null } | null;
  readonly [member: string]: unknown;
}

/**
 * A decoded Value as a request's value: only the member it holds. A decoded
 * message keeps the defaults of its unset members on its prototype (`""`,
 * `0`), which the request's encoding would read as set (Firestore then
 * refuses the cursor: "Value type is not supported: FIELD_REFERENCE_VALUE").
 */
function plainValue(value: DecodedValue): ProtoValue {
  const member = valueMember(value);
  if (member === 'arrayValue') return { arrayValue: { values: (value.arrayValue?.values ?? []).map(plainValue) } };
  if (member === 'mapValue') {
    const fields: Record<string, ProtoValue> = {};
    const decoded = value.mapValue?.fields ?? {};
    for (const key in decoded) fields[key] = plainValue(decoded[key] as DecodedValue);
    return { mapValue: { fields } };
  }
  if (member === undefined) throw new Error('a cursor value holds no member');
  return { [member]: value[member] } as ProtoValue;
}
