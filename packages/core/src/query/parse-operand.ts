/**
 * Operand checking and conversion: wire literal → internal Value, checked
 * against the field's declared type (docs/semantics.md §1.4, §7.2;
 * docs/protocol.md §10.3). No coercion (§1.3 same-type rule) except the two the brief
 * asks for: `{"$date": …}` → Date anywhere, ISO string → Date on DATETIME.
 */
import { errors } from '../errors.ts';
import type { FieldType } from '../model.ts';
import { isDateLiteral, parseDateLiteral, parseInstant } from '../wire/dates.ts';
import { INSTANT_RANGE_TEXT, LIMITS } from '../wire/limits.ts';
import type { Value } from './ast.ts';
import type { ResolvedField } from './parse-context.ts';

export type ScalarKind = 'string' | 'number' | 'boolean' | 'date' | 'any';

/** What a field holds: a scalar kind, or an array of that kind. */
export interface ValueShape {
  readonly element: ScalarKind;
  readonly array: boolean;
  /** For messages, e.g. "NUMBER field 'heightCm'". */
  readonly label: string;
}

const STRING_TYPES: ReadonlySet<FieldType> = new Set([
  'TEXT',
  'IMAGE',
  'DOCUMENT',
  'URL',
  'RICH_TEXT',
  'VIDEO',
  'AUDIO',
  'LANGUAGE',
  'REFERENCE',
  'DATE',
  'TIME',
]);

function scalarKindOf(type: FieldType | undefined): ScalarKind {
  if (type === undefined) return 'any';
  if (STRING_TYPES.has(type)) return 'string';
  if (type === 'NUMBER') return 'number';
  if (type === 'BOOLEAN') return 'boolean';
  if (type === 'DATETIME') return 'date';
  return 'any';
}

/** Shape of the values a resolved field holds. Nested paths and undeclared fields hold anything. */
export function valueShape(resolved: ResolvedField): ValueShape {
  const { ref, declared, nested } = resolved;
  if (nested || !declared) return { element: 'any', array: false, label: `field '${ref.key}'` };
  const label = `${declared.type} field '${ref.key}'`;
  switch (declared.type) {
    case 'ARRAY_STRING':
    case 'MULTI_REFERENCE':
      return { element: 'string', array: true, label };
    case 'ARRAY': {
      const elementType = declared.arrayOptions?.elementType;
      return { element: elementType ? scalarKindOf(elementType) : 'any', array: true, label };
    }
    case 'ARRAY_DOCUMENT':
    case 'MEDIA_GALLERY':
      return { element: 'any', array: true, label };
    default:
      return { element: scalarKindOf(declared.type), array: false, label };
  }
}

const KIND_TEXT: Record<ScalarKind, string> = {
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
  date: 'a date ({"$date": "YYYY-MM-DDTHH:mm:ss.sssZ"}, years 0001–9999)',
  any: 'a JSON value',
};

function describe(raw: unknown): string {
  if (raw === null) return 'null';
  if (Array.isArray(raw)) return 'an array';
  if (isDateLiteral(raw)) return 'a date';
  return typeof raw === 'object' ? 'an object' : `a ${typeof raw}`;
}

/** `{"$encrypted": …}` is a literal (docs/semantics.md §1.1), compared as a whole object. */
export function isEncryptedLiteral(raw: unknown): boolean {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return false;
  return Object.keys(raw)[0] === '$encrypted';
}

function dateOf(raw: { $date: unknown }, fieldPath: string): Date {
  const date = parseDateLiteral(raw);
  if (!date) {
    throw errors.violation(
      fieldPath,
      raw,
      `A {"$date": …} literal needs an ISO 8601 instant ${INSTANT_RANGE_TEXT}, e.g. "2024-05-01T09:30:00Z".`,
    );
  }
  return date;
}

/**
 * Any JSON → internal Value, turning `{"$date": …}` literals at any depth into
 * Dates. Operands nest at most LIMITS.valueDepth levels, like stored values
 * (wire/limits.ts): a deeper one could never equal a stored value.
 */
export function jsonToValue(raw: unknown, fieldPath: string, depth = 0): Value {
  if (raw === null || typeof raw === 'string' || typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) throw errors.violation(fieldPath, raw, 'Numbers must be finite.');
    return raw;
  }
  if (typeof raw === 'object' && depth >= LIMITS.valueDepth) {
    throw errors.violation(
      fieldPath,
      describe(raw),
      `A value may nest objects and arrays at most ${LIMITS.valueDepth} levels deep.`,
    );
  }
  if (Array.isArray(raw)) return raw.map((e, i) => jsonToValue(e, `${fieldPath}[${i}]`, depth + 1));
  if (typeof raw === 'object') {
    if (isDateLiteral(raw)) return dateOf(raw, fieldPath);
    const out: Record<string, Value> = {};
    for (const [k, v] of Object.entries(raw)) out[k] = jsonToValue(v, `${fieldPath}.${k}`, depth + 1);
    return out;
  }
  throw errors.violation(fieldPath, raw, `${describe(raw)} is not a JSON value.`);
}

/** A non-null scalar of `kind`; arrays and objects only for `any`. */
function scalar(raw: unknown, kind: ScalarKind, shape: ValueShape, op: string, fieldPath: string): Value {
  const fail = () =>
    errors.violation(fieldPath, raw, `${op} on ${shape.label} needs ${KIND_TEXT[kind]}, got ${describe(raw)}.`);
  if (isDateLiteral(raw)) {
    if (kind !== 'date' && kind !== 'any') throw fail();
    return dateOf(raw, fieldPath);
  }
  switch (kind) {
    case 'any':
      return jsonToValue(raw, fieldPath);
    case 'date': {
      if (typeof raw !== 'string') throw fail();
      const date = parseInstant(raw);
      if (!date) throw fail();
      return date;
    }
    case 'string':
      if (typeof raw !== 'string') throw fail();
      return raw;
    case 'number':
      if (typeof raw !== 'number' || !Number.isFinite(raw)) throw fail();
      return raw;
    case 'boolean':
      if (typeof raw !== 'boolean') throw fail();
      return raw;
  }
}

/**
 * Operand of $eq / $ne and the elements of $in / $hasSome / $hasAll: null, a
 * value of the field's (element) type, or — on an array field, for $eq/$ne
 * only — a whole array to compare with.
 */
export function literalOperand(
  raw: unknown,
  shape: ValueShape,
  op: string,
  fieldPath: string,
  wholeArrayAllowed: boolean,
): Value {
  if (raw === null) return null;
  if (isEncryptedLiteral(raw)) return jsonToValue(raw, fieldPath);
  if (Array.isArray(raw) && shape.array && wholeArrayAllowed) {
    return raw.map((e, i) => literalOperand(e, shape, op, `${fieldPath}[${i}]`, false));
  }
  return scalar(raw, shape.element, shape, op, fieldPath);
}

/** Operand of $gt/$gte/$lt/$lte: a non-null string, number, boolean or date of the field's type. */
export function rangeOperand(raw: unknown, shape: ValueShape, op: string, fieldPath: string): Value {
  const ok = typeof raw === 'string' || typeof raw === 'number' || typeof raw === 'boolean' || isDateLiteral(raw);
  if (!ok) {
    throw errors.violation(
      fieldPath,
      raw,
      `${op} on ${shape.label} needs ${shape.element === 'any' ? 'a string, number, boolean or date' : KIND_TEXT[shape.element]}, got ${describe(raw)}.`,
    );
  }
  return scalar(raw, shape.element, shape, op, fieldPath);
}

/** Operand of $in/$hasSome/$nin/$hasAll: a non-empty array of literals (docs/semantics.md §1.3). */
export function listOperand(raw: unknown, shape: ValueShape, op: string, fieldPath: string): Value[] {
  if (!Array.isArray(raw)) {
    throw errors.violation(fieldPath, raw, `${op} needs an array of values, got ${describe(raw)}.`);
  }
  if (raw.length === 0) {
    // Wix's reference adaptors answer 400 (docs/semantics.md §1.3 "Empty list"); native behaviour unconfirmed.
    throw errors.violation(fieldPath, raw, `${op} cannot have an empty list of values.`);
  }
  if (raw.length > LIMITS.listValues) {
    throw errors.violation(
      fieldPath,
      `${raw.length} values`,
      `${op} may list at most ${LIMITS.listValues} values; split the query into several.`,
    );
  }
  return raw.map((e, i) => literalOperand(e, shape, op, `${fieldPath}[${i}]`, false));
}
