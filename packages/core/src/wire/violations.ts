/**
 * TypeBox errors → `VALIDATION_ERROR` violations (docs/protocol.md §12.1): one per
 * offending location, a dotted/indexed `fieldPath` ("items[3]._id",
 * "query.paging.limit"), `rejectedValue` as a string and a message a site owner
 * understands. Only runs when a check has failed, so it may be slow-ish.
 */
import { Kind, type TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/errors';
import { ValueErrorType } from '@sinclair/typebox/errors';
import { rejectedValueOf, type Violation } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';

/** Wix caps `violations` at 100 entries (§12.1). */
export const MAX_VIOLATIONS = 100;

/** JSON pointer (`/items/3/_id`) → field path (`items[3]._id`), under an optional prefix. */
export function pointerToPath(pointer: string, prefix = ''): string {
  let path = prefix;
  for (const raw of pointer.split('/').slice(1)) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^\d+$/.test(segment)) path += `[${segment}]`;
    else path += path === '' ? segment : `.${segment}`;
  }
  return path;
}

/** Joins a parent path and a key the same way pointerToPath does. */
export function childPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

function entries(n: number): string {
  return n === 1 ? '1 entry' : `${n} entries`;
}

/** What a schema accepts, as a noun phrase: "an integer ≥ 0", "one of ASC, DESC". */
export function describe(schema: TSchema): string {
  const literals = literalsOf(schema);
  if (literals) return `one of ${literals.join(', ')}`;
  switch (schema[Kind]) {
    case 'String':
      return 'a string';
    case 'Integer':
    case 'Number': {
      const noun = schema[Kind] === 'Integer' ? 'an integer' : 'a number';
      const { minimum, maximum } = schema;
      // Both bounds when there are two (paging.offset: 0 to 2,147,483,647), so a number past the
      // upper one is not told it must be "≥ 0".
      if (typeof minimum === 'number' && typeof maximum === 'number') return `${noun} from ${minimum} to ${maximum}`;
      if (typeof minimum === 'number') return `${noun} ≥ ${minimum}`;
      if (typeof maximum === 'number') return `${noun} ≤ ${maximum}`;
      return noun;
    }
    case 'Boolean':
      return 'true or false';
    case 'Null':
      return 'null';
    case 'Object':
    case 'Record':
      return 'an object';
    case 'Array':
      return 'an array';
    case 'Literal':
      return JSON.stringify(schema.const);
    case 'Union':
      return (schema.anyOf as TSchema[]).map(describe).join(' or ');
    case 'This':
    case 'Ref':
      return 'a field object';
    default:
      return 'a valid value';
  }
}

/**
 * The allowed values when a schema is a union of string literals, possibly
 * nested and possibly with `null` (an optional enum: `(A | B) | null`).
 */
function literalsOf(schema: TSchema): string[] | undefined {
  if (schema[Kind] !== 'Union') return undefined;
  const values: string[] = [];
  for (const variant of schema.anyOf as TSchema[]) {
    if (variant[Kind] === 'Literal' && typeof variant.const === 'string') values.push(variant.const);
    else if (variant[Kind] === 'Union') {
      const nested = literalsOf(variant);
      if (!nested) return undefined;
      values.push(...nested);
    } else if (variant[Kind] !== 'Null') return undefined;
  }
  return values.length > 0 ? values : undefined;
}

function messageOf(error: ValueError): string {
  const { schema } = error;
  switch (error.type) {
    case ValueErrorType.ObjectRequiredProperty:
      return `is required (${describe(schema)})`;
    case ValueErrorType.ArrayMinItems:
      return `must contain at least ${entries(schema.minItems as number)}`;
    case ValueErrorType.ArrayMaxItems:
      return `must contain at most ${entries(schema.maxItems as number)}`;
    case ValueErrorType.StringMinLength:
      return schema.minLength === 1 ? 'must not be empty' : `must be at least ${schema.minLength} characters long`;
    case ValueErrorType.StringMaxLength:
      return `must be at most ${schema.maxLength} characters long`;
    case ValueErrorType.StringPattern:
      return typeof schema.errorMessage === 'string' ? `invalid: ${schema.errorMessage}` : 'has an invalid format';
    case ValueErrorType.Union: {
      const literals = literalsOf(schema);
      if (literals) return `expected one of ${literals.join(', ')}`;
      return `must be ${describe(schema)}`;
    }
    default:
      return `must be ${describe(schema)}`;
  }
}

/** Whether a value has the JSON kind a union variant stands for. */
function sameKind(schema: TSchema, value: unknown): boolean {
  switch (schema[Kind]) {
    case 'Object':
    case 'Record':
    case 'This':
    case 'Ref':
      return isPlainObject(value);
    case 'Array':
      return Array.isArray(value);
    case 'String':
      return typeof value === 'string';
    case 'Integer':
    case 'Number':
      return typeof value === 'number';
    case 'Boolean':
      return typeof value === 'boolean';
    case 'Null':
      return value === null;
    default:
      return false;
  }
}

/**
 * Flattens TypeBox's union errors: every optional key is `X | null`, and a bad
 * limit deep inside `query.paging` surfaces as "union failed at query". When the
 * value has the kind of one variant, that variant's own errors are the real
 * problems, so we descend into them.
 */
function* flatten(errors: Iterable<ValueError>): Generator<ValueError> {
  for (const error of errors) {
    if (error.type === ValueErrorType.Union && !literalsOf(error.schema)) {
      const variants = error.schema.anyOf as TSchema[];
      const index = variants.findIndex((variant) => sameKind(variant, error.value));
      const nested = index >= 0 ? error.errors[index] : undefined;
      if (nested) {
        yield* flatten(nested);
        continue;
      }
    }
    yield error;
  }
}

/**
 * Violations for TypeBox errors, at most one per location (TypeBox may report a
 * missing key twice: "required" and "expected string"; the first is kept).
 */
export function violationsOf(errors: Iterable<ValueError>, prefix = ''): Violation[] {
  const seen = new Set<string>();
  const violations: Violation[] = [];
  for (const error of flatten(errors)) {
    const fieldPath = pointerToPath(error.path, prefix);
    if (seen.has(fieldPath)) continue;
    seen.add(fieldPath);
    violations.push({ fieldPath, rejectedValue: rejectedValueOf(error.value), message: messageOf(error) });
    if (violations.length >= MAX_VIOLATIONS) break;
  }
  return violations;
}
