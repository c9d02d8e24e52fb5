/**
 * The ONE ordering of internal values, used by sort, range operators, keysets,
 * min/max and distinct (docs/semantics.md §1.3, §2). Equality everywhere
 * (filters, grouping, distinct) is `compareValues(a, b) === 0`.
 */
import { parseInstant } from '../wire/dates.ts';
import type { Value } from './ast.ts';

export type TypeClass = 'null' | 'number' | 'string' | 'object' | 'array' | 'boolean' | 'date';

/**
 * Decision (unconfirmed; MongoDB's BSON order, which native Wix Data sits on):
 * null/missing < numbers < strings < objects < arrays < booleans < dates.
 * Only sort order and keysets ever compare across types; filters never match
 * across types (same-type rule, §1.3).
 */
export const TYPE_ORDER: readonly TypeClass[] = ['null', 'number', 'string', 'object', 'array', 'boolean', 'date'];
const RANK: Readonly<Record<TypeClass, number>> = Object.fromEntries(TYPE_ORDER.map((t, i) => [t, i])) as Record<
  TypeClass,
  number
>;

/**
 * Decision: an object that is exactly a well-formed `{"$date": iso}` literal IS
 * that instant, wherever it sits. The codec keeps JSON inside OBJECT/ANY
 * values verbatim, so a date nested in an object stays a literal there, while
 * the filter parser turns every `{"$date"}` operand into a Date; reading
 * literals as instants makes both meet (and is what the wire form means).
 */
export function instantOf(v: Value | undefined): Date | undefined {
  if (v instanceof Date) return v;
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const text = (v as { readonly $date?: Value }).$date;
  if (typeof text !== 'string' || Object.keys(v).length !== 1) return undefined;
  return parseInstant(text);
}

/** Missing (undefined) and null are one class: they sort together and are equal (§1.8). */
export function typeClass(v: Value | undefined): TypeClass {
  if (v === undefined || v === null) return 'null';
  if (v instanceof Date) return 'date';
  if (Array.isArray(v)) return 'array';
  switch (typeof v) {
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'boolean':
      return 'boolean';
    default:
      return instantOf(v) ? 'date' : 'object';
  }
}

function sign(n: number): number {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** NaN cannot come from JSON, but computed values may hold it: rank it lowest so the order stays total. */
function compareNumbers(a: number, b: number): number {
  const an = Number.isNaN(a);
  const bn = Number.isNaN(b);
  if (an || bn) return an === bn ? 0 : an ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0; // -0 equals 0
}

/**
 * Strings by Unicode code point (docs/semantics.md §1.3, §2), not
 * by UTF-16 code unit: "\uFFFF" < "😀" although 0xFFFF > 0xD83D. Only the first
 * differing code unit matters; remapping surrogates above the rest of the BMP
 * gives code-point order without decoding the whole string.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let ca = a.charCodeAt(i);
    let cb = b.charCodeAt(i);
    if (ca !== cb) {
      if (ca >= 0xd800) ca = ca >= 0xe000 ? ca - 0x800 : ca + 0x2000;
      if (cb >= 0xd800) cb = cb >= 0xe000 ? cb - 0x800 : cb + 0x2000;
      return ca < cb ? -1 : 1;
    }
  }
  return sign(a.length - b.length);
}

function compareArrays(a: readonly Value[], b: readonly Value[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i], b[i]);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

type Obj = { readonly [key: string]: Value };

function sortedKeys(o: Obj): string[] {
  return Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort(compareStrings);
}

/**
 * Decision: objects compare as their (key, value) pairs in code-point key
 * order, so key order never matters ({a:1,b:2} equals {b:2,a:1}).
 */
function compareObjects(a: Obj, b: Obj): number {
  const ka = sortedKeys(a);
  const kb = sortedKeys(b);
  const n = Math.min(ka.length, kb.length);
  for (let i = 0; i < n; i++) {
    const keyA = ka[i] as string;
    const keyB = kb[i] as string;
    const c = compareStrings(keyA, keyB) || compareValues(a[keyA], b[keyB]);
    if (c !== 0) return c;
  }
  return sign(ka.length - kb.length);
}

function timeOf(v: Value | undefined): number {
  return instantOf(v)?.getTime() ?? Number.NaN;
}

/** Total order over internal values; returns -1, 0 or 1. */
export function compareValues(a: Value | undefined, b: Value | undefined): number {
  const ta = typeClass(a);
  const tb = typeClass(b);
  if (ta !== tb) return RANK[ta] < RANK[tb] ? -1 : 1;
  switch (ta) {
    case 'null':
      return 0;
    case 'number':
      return compareNumbers(a as number, b as number);
    case 'string':
      return compareStrings(a as string, b as string);
    case 'boolean':
      return a === b ? 0 : a ? 1 : -1;
    case 'date':
      // Instants, not wall-clock text (§1.3).
      return compareNumbers(timeOf(a), timeOf(b));
    case 'array':
      return compareArrays(a as readonly Value[], b as readonly Value[]);
    case 'object':
      return compareObjects(a as Obj, b as Obj);
  }
}

export function valuesEqual(a: Value | undefined, b: Value | undefined): boolean {
  return compareValues(a, b) === 0;
}

/**
 * A string that is equal for two values exactly when `compareValues` says they
 * are equal: the Map key for grouping (aggregations) and de-duplication (distinct).
 */
export function canonicalKey(v: Value | undefined): string {
  switch (typeClass(v)) {
    case 'null':
      return 'n';
    case 'number': {
      const n = v as number;
      return Number.isNaN(n) ? 'dNaN' : `d${n === 0 ? 0 : n}`;
    }
    case 'string':
      return `s${JSON.stringify(v)}`;
    case 'boolean':
      return v ? 'b1' : 'b0';
    case 'date': {
      const t = timeOf(v);
      return `t${Number.isNaN(t) ? 'NaN' : t}`;
    }
    case 'array':
      return `[${(v as readonly Value[]).map(canonicalKey).join(',')}]`;
    case 'object': {
      const o = v as Obj;
      return `{${sortedKeys(o)
        .map((k) => `${JSON.stringify(k)}:${canonicalKey(o[k])}`)
        .join(',')}}`;
    }
  }
}
