/**
 * The pure half of a Firestore read (docs/design.md §3: planners never touch a
 * connection): splits a filter AST into what ONE Firestore query answers
 * exactly (the pushdown) and a residual the executor evaluates with the core
 * evaluator on streamed documents, and decides when sort and paging can be
 * pushed down too.
 *
 * Exactness rules (docs/semantics.md §1.3, §1.8; packages/core/SEMANTICS.md):
 * - A conjunct is pushed only when Firestore's answer equals the evaluator's
 *   for EVERY document. Everything else stays in the residual. The executor
 *   also re-applies the whole filter, so a pushdown can only ever narrow the
 *   candidates, never decide a match on its own.
 * - Missing fields: Firestore `==`, ranges, `!=`, `not-in` and `orderBy`
 *   never see documents lacking the field, while Wix's `$eq: null`, `$ne`,
 *   `$exists: false` and sorts do. So those stay residual, and a sort is
 *   pushed only when a pushed conjunct guarantees the field is present.
 * - Types: Firestore compares `==`/ranges per value type, and its cross-type
 *   order differs from the evaluator's (SEMANTICS.md rule 17). Ranges and
 *   sorts are pushed only on top-level fields whose declared type is a scalar
 *   and trusted (collections with a metadata document; the codec enforces the
 *   type on every write). On other fields equality becomes
 *   `== v OR array-contains v`, the exact meaning of Wix's `$eq` on a value
 *   that may be an array (§1.9), and for a text the same for the bytes and
 *   the reference answered as it (storedAsText).
 * - Firestore limits (Firestore docs "Query limitations"): at most 30 values
 *   per `in`/`array-contains-any` and 30 disjunctions in normal form, one
 *   `array-contains(-any)` per query, and here at most one inequality field so
 *   every pushed query is one production Firestore accepts with at most one
 *   composite index.
 */
import type { CompareOp, FieldRef, FieldType, Filter, QuerySpec, Sort, SortOrder, Value } from '@adaptors/core';
import { describeFilter } from './filter-text.ts';
import { formatConjunct } from './plan-format.ts';

/** Firestore's limit on `in` / `array-contains-any` values and on disjunctions in normal form. */
export const MAX_DISJUNCTIONS = 30;

/**
 * Firestore refuses a query with more than 100 filters and sort orders, and a filter value over
 * 1,500 bytes ("Query limitations"), and the emulator takes seconds to say so — past the call's
 * deadline (found by the fuzz: a `$and` of 100 conditions got no answer). Conjuncts past these
 * bounds stay in the residual, which the executor evaluates anyway; the margin below 100 leaves
 * room for the pushed sort orders.
 */
export const MAX_PUSHED_FILTERS = 64;
export const MAX_PUSHED_VALUE_BYTES = 1500;

export type PushedOp = '==' | '<' | '<=' | '>' | '>=' | '!=' | 'in' | 'array-contains' | 'array-contains-any';

/**
 * A Firestore value of a type Wix has no name for, answered as a text (values.ts
 * fromFirestoreValue): bytes (answered as their base64) or a reference to a document of this
 * database (answered as its path). Only ever compared for equality, beside that text.
 */
export type TextualValue =
  | { readonly kind: 'bytes'; readonly base64: string }
  | { readonly kind: 'reference'; readonly path: string };

/** bigint: an int64 bound for stored integers (integerRange); TextualValue: see storedAsText. */
export type PushedScalar = string | number | bigint | boolean | null | Date | TextualValue;

/** A Firestore field: the document id, or a field path (segments, no quoting needed). */
export type PushedField = { readonly kind: 'id' } | { readonly kind: 'path'; readonly segments: readonly string[] };

export type PushedFilter =
  | {
      readonly kind: 'where';
      readonly field: PushedField;
      readonly op: PushedOp;
      readonly value: PushedScalar | readonly PushedScalar[];
    }
  | { readonly kind: 'and'; readonly filters: readonly PushedFilter[] }
  | { readonly kind: 'or'; readonly filters: readonly PushedFilter[] };

export interface PushedOrder {
  readonly field: PushedField;
  readonly direction: SortOrder;
}

export interface FilterPlan {
  /** No document can match (`$or: []` …): answer without reading. */
  readonly empty: boolean;
  /** Conjuncts Firestore evaluates (AND). */
  readonly pushed: readonly PushedFilter[];
  /** What the evaluator still has to check; `{kind:'true'}` when the pushdown is exact. */
  readonly residual: Filter;
  /** Human-readable residual conjuncts, for the scan-bound error. */
  readonly residualNotes: readonly string[];
  /** The one field with a pushed inequality (range or `!=`), by key. */
  readonly inequalityKey: string | undefined;
  /** Field keys with a pushed conjunct that guarantees a present, non-null value of the declared type. */
  readonly presentKeys: ReadonlySet<string>;
  /** A pushed conjunct is value-keyed (Translation.valueKeyed): no order on a field may be pushed with it. */
  readonly valueKeyed?: boolean;
}

export interface QueryPlan extends FilterPlan {
  /** Pushed order (ends with the document id), or undefined: the executor sorts in memory. */
  readonly order: readonly PushedOrder[] | undefined;
  /** Why the sort is evaluated in memory (for the scan-bound error); undefined when pushed. */
  readonly sortNote: string | undefined;
}

export interface PlanOptions {
  /** Declared field types are enforced on every stored document (false for collections inferred from a sample). */
  readonly trustedTypes: boolean;
  /** Prefer leaving inequalities on this field (the sort field) so the sort can be pushed too. */
  readonly preferInequalityOn?: string | undefined;
  /**
   * Fields every document holds in the storage format (format.ts): present (null when
   * empty) with case-folded shadows and trigrams. Empty or unset: nothing is assumed.
   */
  readonly formatted?: ReadonlySet<string> | undefined;
}

const SCALAR_TYPES: ReadonlySet<FieldType> = new Set([
  'TEXT',
  'NUMBER',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'TIME',
  'URL',
  'IMAGE',
  'VIDEO',
  'AUDIO',
  'DOCUMENT',
  'RICH_TEXT',
  'LANGUAGE',
  'REFERENCE',
]);
const ARRAY_TYPES: ReadonlySet<FieldType> = new Set(['ARRAY', 'ARRAY_STRING', 'ARRAY_DOCUMENT', 'MEDIA_GALLERY']);

export type FieldKind = 'id' | 'scalar' | 'array' | 'unknown';

export function kindOf(ref: FieldRef, options: PlanOptions): FieldKind {
  if (ref.field === '_id' && ref.path.length === 0) return 'id';
  if (!options.trustedTypes || ref.path.length > 0 || ref.type === undefined) return 'unknown';
  if (SCALAR_TYPES.has(ref.type)) return 'scalar';
  if (ARRAY_TYPES.has(ref.type)) return 'array';
  return 'unknown';
}

function pushedField(ref: FieldRef): PushedField {
  return ref.field === '_id' && ref.path.length === 0
    ? { kind: 'id' }
    : { kind: 'path', segments: [ref.field, ...ref.path] };
}

/** Document ids as Firestore accepts them in filters (no '/', not '.', '..', __x__). */
function validId(v: Value): v is string {
  return (
    typeof v === 'string' &&
    v.length > 0 &&
    !v.includes('/') &&
    v !== '.' &&
    v !== '..' &&
    !/^__.*__$/.test(v) &&
    Buffer.byteLength(v, 'utf8') <= 1500
  );
}

/**
 * An operand Firestore compares exactly like the evaluator: strings (code
 * point = UTF-8 byte order), finite numbers (integers and doubles are one
 * type in both), booleans; instants only on a trusted DATETIME field (elsewhere
 * a stored `{"$date"}` object is an instant too, SEMANTICS.md rule 21).
 */
function scalarOperand(v: Value, ref: FieldRef, kind: FieldKind): v is Exclude<PushedScalar, bigint> {
  if (typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (v instanceof Date) return kind === 'scalar' && ref.type === 'DATETIME';
  return false;
}

/**
 * The bytes and the document reference that are answered as `text` (TYPES.md: bytes as their
 * base64, a reference as its path), to look for beside the text in an equality on a field whose
 * type is not trusted: Firestore's `==` compares per value type, so `== "AP9oaQ=="` never found
 * the bytes answered as that text, while the evaluator, on the answered item, matched it. Bytes
 * only for canonical base64 (the text Buffer answers), a reference only for a path of valid
 * collection and document ids (an even number of segments).
 */
export function storedAsText(text: string): TextualValue[] {
  const out: TextualValue[] = [];
  if (Buffer.from(text, 'base64').toString('base64') === text) out.push({ kind: 'bytes', base64: text });
  const segments = text.split('/');
  if (segments.length >= 2 && segments.length % 2 === 0 && segments.every(validId)) {
    out.push({ kind: 'reference', path: text });
  }
  return out;
}

const RANGE_OPS: Readonly<Record<string, PushedOp>> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

export interface Translation {
  readonly filter: PushedFilter;
  /** False: the pushed filter is a superset; the conjunct stays in the residual. */
  readonly exact: boolean;
  readonly inequalityKey?: string;
  readonly arrayContains: number;
  /** Disjunctions this conjunct multiplies the normal form by. */
  readonly disjunctions: number;
  /** Guarantees a present, non-null value of the declared type. */
  readonly presentKey?: string;
  /**
   * Its field path holds a value (a trigram key of the storage format): never combined with a
   * range or an order on another field, which would need one composite index per value.
   */
  readonly valueKeyed?: boolean;
}

export function where(ref: FieldRef, op: PushedOp, value: PushedScalar | readonly PushedScalar[]): PushedFilter {
  return { kind: 'where', field: pushedField(ref), op, value };
}

function translateCompare(ref: FieldRef, op: CompareOp, value: Value, options: PlanOptions): Translation | undefined {
  const kind = kindOf(ref, options);
  if (op === 'ne') return undefined; // Wix's $ne matches missing/null; Firestore's != does not.
  if (kind === 'id') {
    if (!validId(value)) return undefined;
    if (op === 'eq') return { filter: where(ref, '==', value), exact: true, arrayContains: 0, disjunctions: 1 };
    const rangeOp = RANGE_OPS[op];
    return rangeOp
      ? { filter: where(ref, rangeOp, value), exact: true, inequalityKey: '_id', arrayContains: 0, disjunctions: 1 }
      : undefined;
  }
  if (value === null || !scalarOperand(value, ref, kind)) return undefined;
  if (op === 'eq') {
    switch (kind) {
      case 'scalar':
        return { filter: where(ref, '==', value), exact: true, arrayContains: 0, disjunctions: 1, presentKey: ref.key };
      case 'array':
        return { filter: where(ref, 'array-contains', value), exact: true, arrayContains: 1, disjunctions: 1 };
      default: {
        // $eq on a value that may be an array: equal, or some element equal (§1.9); a text also
        // as the bytes or reference answered as it (storedAsText): the type is not trusted.
        const values: PushedScalar[] = [value, ...(typeof value === 'string' ? storedAsText(value) : [])];
        return {
          filter: {
            kind: 'or',
            filters: values.flatMap((v) => [where(ref, '==', v), where(ref, 'array-contains', v)]),
          },
          exact: true,
          arrayContains: 1,
          disjunctions: 2 * values.length,
        };
      }
    }
  }
  const rangeOp = RANGE_OPS[op];
  // Ranges on arrays match when SOME element qualifies (§1.9); Firestore compares whole arrays.
  if (!rangeOp || kind !== 'scalar') return undefined;
  if (typeof value === 'string' && ref.type === 'TEXT') {
    const integers = integerRange(op, value);
    if (integers === null) return undefined;
    if (integers !== undefined) {
      // Strings by text, or stored integers by number: a superset the evaluator narrows (integers.ts).
      return {
        filter: { kind: 'or', filters: [where(ref, rangeOp, value), where(ref, integers.op, integers.bound)] },
        exact: false,
        inequalityKey: ref.key,
        arrayContains: 0,
        disjunctions: 2,
        presentKey: ref.key,
      };
    }
  }
  return {
    filter: where(ref, rangeOp, value),
    exact: true,
    inequalityKey: ref.key,
    arrayContains: 0,
    disjunctions: 1,
    presentKey: ref.key,
  };
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const DECIMAL_OPERAND = /^(-?)(0|[1-9]\d*)(?:\.(\d*[1-9]))?$/;

/**
 * A decimal text range operand on a TEXT field also compares integers
 * answered as text by number (integers.ts), which a Firestore
 * string range never returns: the integer side of the range, widened to a
 * whole bound (`> "1.5"` → `>= 1`); undefined for a non-decimal operand;
 * null when the bound is beyond int64 (evaluated in memory instead).
 */
function integerRange(op: CompareOp, text: string): { op: PushedOp; bound: bigint } | null | undefined {
  const m = DECIMAL_OPERAND.exec(text);
  if (!m) return undefined;
  const whole = BigInt(`${m[1]}${m[2]}`);
  const fractional = m[3] !== undefined;
  const lower = op === 'gt' || op === 'gte';
  // trunc toward zero; the whole number at or below (for >) / at or above (for <) the operand.
  const bound = !fractional ? whole : lower ? (m[1] === '-' ? whole - 1n : whole) : m[1] === '-' ? whole : whole + 1n;
  if (bound < INT64_MIN || bound > INT64_MAX) return null;
  return { op: lower ? '>=' : '<=', bound };
}

function translateIn(ref: FieldRef, values: readonly Value[], options: PlanOptions): Translation | undefined {
  const kind = kindOf(ref, options);
  if (values.length === 0 || values.length > MAX_DISJUNCTIONS) return undefined;
  if (kind === 'id') {
    return values.every(validId)
      ? { filter: where(ref, 'in', values), exact: true, arrayContains: 0, disjunctions: values.length }
      : undefined;
  }
  const operands: PushedScalar[] = [];
  for (const v of values) {
    if (v === null || !scalarOperand(v, ref, kind)) return undefined;
    operands.push(v);
  }
  if (kind === 'scalar') {
    return {
      filter: where(ref, 'in', operands),
      exact: true,
      arrayContains: 0,
      disjunctions: operands.length,
      presentKey: ref.key,
    };
  }
  if (kind === 'array') {
    return {
      filter: where(ref, 'array-contains-any', operands),
      exact: true,
      arrayContains: 1,
      disjunctions: operands.length,
    };
  }
  return undefined;
}

function translate(filter: Filter, options: PlanOptions): Translation | undefined {
  const formatted = formatConjunct(filter, options);
  if (formatted) return formatted;
  switch (filter.kind) {
    case 'compare':
      return translateCompare(filter.field, filter.op, filter.value, options);
    case 'in':
      return translateIn(filter.field, filter.values, options);
    case 'hasAll': {
      // One array-contains narrows to items holding the first value; the rest is checked in memory.
      const first = filter.values[0];
      const kind = kindOf(filter.field, options);
      if (kind !== 'array' || first === undefined || first === null || !scalarOperand(first, filter.field, kind)) {
        return undefined;
      }
      return {
        filter: where(filter.field, 'array-contains', first),
        exact: filter.values.length === 1,
        arrayContains: 1,
        disjunctions: 1,
      };
    }
    case 'exists': {
      // `!= null` matches exactly the present, non-null values: the evaluator's $exists: true.
      if (!filter.exists || kindOf(filter.field, options) === 'id') return undefined;
      const kind = kindOf(filter.field, options);
      return {
        filter: where(filter.field, '!=', null),
        exact: true,
        inequalityKey: filter.field.key,
        arrayContains: 0,
        disjunctions: 1,
        ...(kind === 'scalar' ? { presentKey: filter.field.key } : {}),
      };
    }
    case 'or': {
      // Pushed only when every branch is an exact, inequality-free conjunction.
      const branches: PushedFilter[] = [];
      let disjunctions = 0;
      let arrayContains = 0;
      for (const branch of filter.filters) {
        const parts = branch.kind === 'and' ? branch.filters : [branch];
        const translated = parts.map((p) => translate(p, options));
        if (translated.length === 0) return undefined;
        let product = 1;
        const filters: PushedFilter[] = [];
        for (const t of translated) {
          if (!t?.exact || t.inequalityKey !== undefined) return undefined;
          product *= t.disjunctions;
          arrayContains += t.arrayContains;
          filters.push(t.filter);
        }
        disjunctions += product;
        branches.push(filters.length === 1 ? (filters[0] as PushedFilter) : { kind: 'and', filters });
      }
      if (branches.length === 0 || disjunctions > MAX_DISJUNCTIONS) return undefined;
      return { filter: { kind: 'or', filters: branches }, exact: true, arrayContains, disjunctions };
    }
    default:
      return undefined;
  }
}

/** Flattens nested ANDs; `true` conjuncts vanish. */
function conjunctsOf(filter: Filter): Filter[] {
  if (filter.kind === 'and') return filter.filters.flatMap(conjunctsOf);
  if (filter.kind === 'true') return [];
  return [filter];
}

export function planFilter(filter: Filter, options: PlanOptions): FilterPlan {
  const conjuncts = conjunctsOf(filter);
  if (conjuncts.some((c) => c.kind === 'false' || (c.kind === 'or' && c.filters.length === 0))) {
    return {
      empty: true,
      pushed: [],
      residual: { kind: 'false' },
      residualNotes: [],
      inequalityKey: undefined,
      presentKeys: new Set(),
    };
  }
  const translated = conjuncts.map((c) => ({ conjunct: c, t: translate(c, options) }));
  // The preferred inequality field is decided first so a pushable sort keeps it.
  const preferred = options.preferInequalityOn;
  const inequalityKeys = translated.flatMap(({ t }) => (t?.inequalityKey !== undefined ? [t.inequalityKey] : []));
  let inequalityKey = preferred !== undefined && inequalityKeys.includes(preferred) ? preferred : inequalityKeys[0];

  const pushed: PushedFilter[] = [];
  const residual: Filter[] = [];
  const presentKeys = new Set<string>();
  let arrayContains = 0;
  let disjunctions = 1;
  let valueKeyed = false;
  const anyInequality = translated.some(({ t }) => t?.inequalityKey !== undefined && t.inequalityKey === inequalityKey);
  let filters = 0;
  let notEquals = 0;
  for (const { conjunct, t } of translated) {
    const fits =
      t !== undefined &&
      !(t.valueKeyed && (anyInequality || valueKeyed)) &&
      (t.inequalityKey === undefined || t.inequalityKey === inequalityKey) &&
      arrayContains + t.arrayContains <= 1 &&
      disjunctions * t.disjunctions <= MAX_DISJUNCTIONS &&
      filters + whereCount(t.filter) <= MAX_PUSHED_FILTERS &&
      notEquals + notEqualCount(t.filter) <= 1 &&
      !hasLargeValue(t.filter);
    if (!fits) {
      residual.push(conjunct);
      continue;
    }
    filters += whereCount(t.filter);
    notEquals += notEqualCount(t.filter);
    pushed.push(t.filter);
    if (t.valueKeyed) valueKeyed = true;
    arrayContains += t.arrayContains;
    disjunctions *= t.disjunctions;
    if (t.presentKey !== undefined) presentKeys.add(t.presentKey);
    if (!t.exact) residual.push(conjunct);
  }
  if (!pushed.some((p) => usesInequality(p))) inequalityKey = undefined;
  return {
    empty: false,
    pushed,
    residual:
      residual.length === 0
        ? { kind: 'true' }
        : residual.length === 1
          ? (residual[0] as Filter)
          : { kind: 'and', filters: residual },
    residualNotes: residual.map(describeFilter),
    inequalityKey,
    presentKeys,
    valueKeyed,
  };
}

/** Field filters in a pushed filter: what Firestore counts towards its 100. */
function whereCount(filter: PushedFilter): number {
  return filter.kind === 'where' ? 1 : filter.filters.reduce((n, f) => n + whereCount(f), 0);
}

/**
 * Firestore allows one `!=` (NOT_EQUAL / IS_NOT_NULL) filter per query ("Query
 * limitations"): a second one — e.g. `$exists: true` twice on one field, found by
 * the differential suite — stays in the residual, evaluated on the streamed documents.
 */
function notEqualCount(filter: PushedFilter): number {
  return filter.kind === 'where'
    ? filter.op === '!='
      ? 1
      : 0
    : filter.filters.reduce((n, f) => n + notEqualCount(f), 0);
}

/** A text value (or `in` element) over Firestore's 1,500 bytes for a query value. */
function hasLargeValue(filter: PushedFilter): boolean {
  if (filter.kind !== 'where') return filter.filters.some(hasLargeValue);
  const values = Array.isArray(filter.value) ? filter.value : [filter.value];
  return values.some((v) => typeof v === 'string' && Buffer.byteLength(v) > MAX_PUSHED_VALUE_BYTES);
}

function usesInequality(filter: PushedFilter): boolean {
  if (filter.kind !== 'where') return filter.filters.some(usesInequality);
  return ['<', '<=', '>', '>=', '!='].includes(filter.op);
}

/**
 * Items query: the filter plan plus the order. The sort is pushed when it is
 * `_id` alone (every document has an id, ordered by code point like the
 * evaluator), or one trusted scalar field followed by `_id` whose presence a
 * pushed conjunct guarantees (orderBy would drop documents lacking it).
 */
export function planQuery(
  spec: Pick<QuerySpec, 'filter' | 'sort'>,
  options: Omit<PlanOptions, 'preferInequalityOn'>,
): QueryPlan {
  const fields = spec.sort.slice(0, -1);
  const last = spec.sort[spec.sort.length - 1];
  // One sorted field, or several when the storage format guarantees each is on every document.
  const sortFields =
    fields.length > 0 &&
    last?.field.key === '_id' &&
    (fields.length === 1 || fields.every((s) => options.formatted?.has(s.field.key) && s.field.path.length === 0)) &&
    fields.every((s) => kindOf(s.field, options) === 'scalar')
      ? fields
      : undefined;
  const plan = planFilter(spec.filter, { ...options, preferInequalityOn: sortFields?.[0]?.field.key });
  const order = pushedOrder(spec.sort, sortFields, plan, options);
  return {
    ...plan,
    order,
    sortNote: order ? undefined : `sort by ${spec.sort.map((s) => `${s.field.key} ${s.order}`).join(', ')}`,
  };
}

/**
 * A sorted field is pushed when every document is in Firestore's order by it:
 * a pushed conjunct guarantees it is present, or the storage format stores it
 * on every document (null first ascending, as Wix sorts: docs/semantics.md §2).
 */
function pushedOrder(
  sort: readonly Sort[],
  sortFields: readonly Sort[] | undefined,
  plan: FilterPlan,
  options: Pick<PlanOptions, 'formatted'>,
): PushedOrder[] | undefined {
  const [first] = sort;
  if (!first) return [{ field: { kind: 'id' }, direction: 'asc' }];
  if (sort.length === 1 && first.field.key === '_id') {
    // Firestore refuses a query whose first order is the document id descending (FAILED_PRECONDITION
    // "Firestore does not support descending key scans", the emulator and production alike:
    // docs/engines.md): the bounded, exact path sorts it.
    if (first.order === 'desc') return undefined;
    // Firestore requires the inequality field to be ordered first.
    if (plan.inequalityKey !== undefined && plan.inequalityKey !== '_id') return undefined;
    return [{ field: { kind: 'id' }, direction: first.order }];
  }
  if (!sortFields || sortFields.length === 0 || plan.valueKeyed) return undefined;
  for (const s of sortFields) {
    if (!plan.presentKeys.has(s.field.key) && !options.formatted?.has(s.field.key)) return undefined;
  }
  const leading = (sortFields[0] as Sort).field.key;
  if (plan.inequalityKey !== undefined && plan.inequalityKey !== leading) return undefined;
  const tieBreaker = sort[sort.length - 1] as Sort;
  return [
    ...sortFields.map((s): PushedOrder => ({ field: pushedField(s.field), direction: s.order })),
    { field: { kind: 'id' }, direction: tieBreaker.order },
  ];
}
