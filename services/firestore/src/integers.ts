/**
 * Integers beyond ±2^53 compared as integers when the adaptor evaluates a
 * read itself (ranges, sorts, cursors). Such an integerValue is answered as
 * its exact decimal text (values.ts `integerValue`), and text
 * compares digit by digit: "1152921504606846976" (2^60) < "9007199254740993"
 * (2^53+1), "-9007199254740993" < "-9223372036854775808". Firestore itself
 * orders integers numerically, so the evaluator must too:
 *
 * Only values stored as integers count (values.ts `holdsIntegerText`):
 * a string that merely looks like one (an order id) stays text.
 *
 * - Sort and cursors: such an integer, or any number, is ordered
 *   by its numeric value, before every other string (numbers before strings,
 *   packages/core/SEMANTICS.md rule 17); other values keep their order.
 * - `$gt/$gte/$lt/$lte` with a decimal text operand ("100",
 *   "9007199254740992"): such integers compare numerically with it; other
 *   strings still compare as text; numbers never match a text operand (the
 *   same-type rule). A non-decimal text operand never matches such an
 *   integer (it is a number). A number operand also matches such integers
 *   numerically.
 * - Equality is unchanged: `$eq: "9007199254740993"` is the answered text.
 * - MIN/MAX of a field follow the sort order (the answered value is the original).
 *
 * The evaluator runs on a view of each item with shadow fields holding an
 * order-preserving text key (`numericKey`), and the filter and sort are
 * rewritten to read them; the answered items are the originals.
 */
import {
  type AggregateSpec,
  type CompareOp,
  countMatching,
  type FieldRef,
  type Filter,
  type Item,
  isAfter,
  type Keyset,
  matches,
  project,
  type QuerySpec,
  runAggregate,
  runQuery,
  type Sort,
  type Value,
} from '@adaptors/core';
import { holdsIntegerText, unsafeIntegerOfText } from './values.ts';

/** Shadow field names: `\u0000` starts no Firestore field the adaptor hands out. */
const SORT_SHADOW = '\u0000sort:';
const INT_SHADOW = '\u0000int:';
/** Numeric keys start with NUMERIC_BAND, other strings with TEXT_BAND: numbers sort before strings. */
const NUMERIC_BAND = '\u0000';
const TEXT_BAND = '\u0001';

const RANGES: ReadonlySet<CompareOp> = new Set(['gt', 'gte', 'lt', 'lte']);
const DECIMAL = /^(-?)(0|[1-9]\d*)(?:\.(\d*[1-9]))?$/;

/**
 * A text key whose code-point order is the numeric order of canonical
 * decimals: sign class, then (complemented for negatives) the count of
 * integer digits and the digits. "-2" < "-1.5" < "0" < "0.5" < "1" < "10".
 */
export function numericKey(decimal: string): string | undefined {
  const m = DECIMAL.exec(decimal);
  if (!m) return undefined;
  const integer = m[2] as string;
  const digits = `${integer}${m[3] ?? ''}`;
  if (integer === '0' && m[3] === undefined) return `${NUMERIC_BAND}n`;
  const size = integer === '0' ? 0 : integer.length; // 0.x has no integer digit that counts
  const body = integer === '0' ? (m[3] as string) : digits;
  if (m[1] !== '-') return `${NUMERIC_BAND}o${String(size).padStart(4, '0')}${body}`;
  // Negative: a larger magnitude sorts first; '~' ends the digits (above every complemented digit).
  const complement = [...body].map((d) => String(9 - Number(d))).join('');
  return `${NUMERIC_BAND}m${String(9999 - size).padStart(4, '0')}${complement}~`;
}

/**
 * A finite double as canonical decimal text: a whole double as its exact
 * integer (2^60 → "1152921504606846976"), else its shortest text without
 * exponent. Both keep the doubles' order, also against integers: no integer
 * lies between a fractional double and its shortest text.
 */
function doubleDecimal(n: number): string | undefined {
  if (!Number.isFinite(n)) return undefined;
  if (Number.isInteger(n)) return BigInt(n).toString();
  const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(String(n));
  if (!m) return String(n);
  // Only small magnitudes reach here (a fractional double below 1e-6): 1.5e-7 → "0.00000015".
  const digits = `${m[2]}${m[3] ?? ''}`;
  return `${m[1]}0.${'0'.repeat(-Number(m[4]) - 1)}${digits}`;
}

/** ±Infinity and NaN around every finite key (NaN lowest, as the core orders numbers). */
function nonFiniteKey(n: number): string {
  return Number.isNaN(n) ? `${NUMERIC_BAND}k` : n < 0 ? `${NUMERIC_BAND}l` : `${NUMERIC_BAND}p`;
}

/** `item[field]` when it is an integerValue answered as text (values.ts): its numeric key. */
function integerTextKey(item: Item, field: string): string | undefined {
  const v = item[field];
  return typeof v === 'string' && holdsIntegerText(item, field) ? numericKey(v) : undefined;
}

/**
 * The value a sort and a cursor compare: numbers, and integers answered as
 * text (`integer`), by number, before other strings; other values as they are.
 */
function sortValue(v: Value | undefined, integer: boolean): Value | undefined {
  if (typeof v === 'number') {
    const text = doubleDecimal(v);
    return text === undefined ? nonFiniteKey(v) : numericKey(text);
  }
  if (typeof v === 'string') return (integer ? numericKey(v) : undefined) ?? `${TEXT_BAND}${v}`;
  return v;
}

function shadowRef(ref: FieldRef, prefix: string): FieldRef {
  return { key: ref.key, field: `${prefix}${ref.field}`, path: [], type: undefined };
}

function plain(ref: FieldRef): boolean {
  return ref.path.length === 0 && ref.field !== '_id';
}

interface Plan {
  readonly filter: Filter;
  readonly sort: readonly Sort[];
  /** Top-level fields whose shadows the view needs. */
  readonly sortFields: ReadonlySet<string>;
  readonly rangeFields: ReadonlySet<string>;
}

function rewriteFilter(filter: Filter, rangeFields: Set<string>): Filter {
  switch (filter.kind) {
    case 'and':
    case 'or':
      return { kind: filter.kind, filters: filter.filters.map((f) => rewriteFilter(f, rangeFields)) };
    case 'not':
      return { kind: 'not', filter: rewriteFilter(filter.filter, rangeFields) };
    case 'compare': {
      if (!RANGES.has(filter.op) || !plain(filter.field)) return filter;
      const int = shadowRef(filter.field, INT_SHADOW);
      const noInteger: Filter = { kind: 'exists', field: int, exists: false };
      const v = filter.value;
      if (typeof v === 'string') {
        rangeFields.add(filter.field.field);
        const key = numericKey(v);
        // Decimal text: integers by number; other strings (never an integer-as-text) as text.
        const asText: Filter = { kind: 'and', filters: [noInteger, filter] };
        return key === undefined
          ? asText
          : { kind: 'or', filters: [{ kind: 'compare', field: int, op: filter.op, value: key }, asText] };
      }
      if (typeof v === 'number') {
        const text = doubleDecimal(v);
        const key = text === undefined ? undefined : numericKey(text);
        if (key === undefined) return filter;
        rangeFields.add(filter.field.field);
        return { kind: 'or', filters: [filter, { kind: 'compare', field: int, op: filter.op, value: key }] };
      }
      return filter;
    }
    default:
      return filter;
  }
}

function planOf(filter: Filter, sort: readonly Sort[]): Plan {
  const rangeFields = new Set<string>();
  const rewritten = rewriteFilter(filter, rangeFields);
  const sortFields = new Set<string>();
  const shadowSort = sort.map((s) => {
    if (!plain(s.field)) return s;
    sortFields.add(s.field.field);
    return { field: shadowRef(s.field, SORT_SHADOW), order: s.order };
  });
  return { filter: rewritten, sort: shadowSort, sortFields, rangeFields };
}

function viewOf(item: Item, plan: Plan): Item {
  if (plan.sortFields.size === 0 && plan.rangeFields.size === 0) return item;
  const view: Record<string, Value> = { ...item };
  for (const field of plan.sortFields) {
    const v = sortValue(item[field], holdsIntegerText(item, field));
    if (v !== undefined) view[`${SORT_SHADOW}${field}`] = v;
  }
  for (const field of plan.rangeFields) {
    const key = integerTextKey(item, field);
    if (key !== undefined) view[`${INT_SHADOW}${field}`] = key;
  }
  return view;
}

/**
 * A cursor boundary in the shadow sort. A boundary value carries no storage
 * type: an integer text is read as the integer when the field holds integers
 * answered as text among `integerFields` (else as the string it also is).
 */
function keysetOf(
  after: Keyset | undefined,
  sort: readonly Sort[],
  integerFields: ReadonlySet<string>,
): Keyset | undefined {
  if (!after) return undefined;
  return {
    values: after.values.map((v, i) => {
      const s = sort[i];
      if (!s || !plain(s.field)) return v;
      const integer = typeof v === 'string' && unsafeIntegerOfText(v) !== undefined && integerFields.has(s.field.field);
      return sortValue(v, integer) ?? null;
    }),
  };
}

/** Whether a cursor boundary holds an integer text on a sorted field (its reading needs the candidates). */
export function ambiguousBoundary(after: Keyset | undefined, sort: readonly Sort[]): boolean {
  return (
    after?.values.some(
      (v, i) =>
        typeof v === 'string' && sort[i] !== undefined && plain(sort[i].field) && unsafeIntegerOfText(v) !== undefined,
    ) === true
  );
}

/** runQuery (core) with integers beyond ±2^53 compared as integers; answers the original items. */
export function runQueryExact(items: Iterable<Item>, spec: QuerySpec): Item[] {
  const plan = planOf(spec.filter, spec.sort);
  const originals = new Map<Item, Item>();
  const views: Item[] = [];
  const integerFields = new Set<string>();
  for (const item of items) {
    const view = viewOf(item, plan);
    originals.set(view, item);
    views.push(view);
    for (const field of plan.sortFields) if (holdsIntegerText(item, field)) integerFields.add(field);
  }
  const selected = runQuery(views, {
    ...spec,
    filter: plan.filter,
    sort: plan.sort,
    after: keysetOf(spec.after, spec.sort, integerFields),
    projection: undefined,
  });
  return selected.map((view) => project(originals.get(view) as Item, spec.projection));
}

/**
 * A filter and keyset test for items streamed one by one, with the same
 * integer rule; a boundary for which `ambiguousBoundary` holds is read as text.
 */
export function exactMatcher(filter: Filter, sort: readonly Sort[], after: Keyset | undefined) {
  const plan = planOf(filter, sort);
  const boundary = keysetOf(after, sort, new Set());
  return {
    matches: (item: Item): boolean => matches(plan.filter, viewOf(item, plan)),
    isAfter: (item: Item): boolean => boundary === undefined || isAfter(viewOf(item, plan), plan.sort, boundary),
  };
}

/**
 * runAggregate (core) on items already filtered, with MIN/MAX in the sort
 * order above: each such operation reads the field's sort key, and the key
 * chosen is answered as the value it stands for.
 */
export function aggregateExact(
  items: readonly Item[],
  spec: AggregateSpec,
  countTotal: boolean,
): { rows: Item[]; total?: number } {
  const fields = new Set<string>();
  const operations = spec.operations.map((op) => {
    if ((op.op !== 'min' && op.op !== 'max') || !op.field || !plain(op.field)) return op;
    fields.add(op.field.field);
    return { ...op, field: shadowRef(op.field, SORT_SHADOW) };
  });
  if (fields.size === 0) return runAggregate(items, spec, countTotal);
  const original = new Map<Value, Value>();
  const views = items.map((item) => {
    const view: Record<string, Value> = { ...item };
    for (const field of fields) {
      const v = item[field];
      const key = sortValue(v, holdsIntegerText(item, field));
      if (key === undefined || v === undefined) continue;
      view[`${SORT_SHADOW}${field}`] = key;
      if (typeof key === 'string') original.set(key, v);
    }
    return view;
  });
  const { rows } = runAggregate(
    views,
    { ...spec, operations, having: { kind: 'true' }, sort: [], offset: 0, limit: Number.MAX_SAFE_INTEGER },
    false,
  );
  const shadowed = new Set(operations.filter((op, i) => op !== spec.operations[i]).map((op) => op.name));
  const answered = rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, shadowed.has(k) && typeof v === 'string' ? (original.get(v) ?? v) : v]),
    ),
  );
  // having → sort → page over the result rows, as runAggregate does (§11).
  const page = runQuery(answered, {
    filter: spec.having,
    sort: spec.sort,
    offset: spec.offset,
    limit: spec.limit,
    after: undefined,
    projection: undefined,
  });
  return countTotal ? { rows: page, total: countMatching(answered, spec.having) } : { rows: page };
}
