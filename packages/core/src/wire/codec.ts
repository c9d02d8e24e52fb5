/**
 * The item codec: wire item ⇄ internal `Item` (docs/protocol.md §3.5, §9.2;
 * docs/semantics.md §7). Decoding is driven by each field's declared type;
 * encoding turns every `Date` into `{"$date": iso}` with milliseconds and `Z`.
 *
 * Decisions (documented here once):
 * - `null` is a value for every field: it clears the field.
 * - `0`, `false` and `""` are values and are never dropped (Wix's reference adaptor's
 *   `item[f] || default` bug drops them).
 * - MULTI_REFERENCE values on an item are dropped silently: the relation lives
 *   outside the item and is written through §4.10/§4.11 only (§9.2). Refusing
 *   them would break a client that writes back an item it read with
 *   `includeReferencedItems`.
 * - Encrypted fields (`encrypted: true`) arrive as an object Wix made; they are
 *   kept verbatim whatever their declared type (§9.1).
 * - System fields (`_id`, `_owner`, `_createdDate`, `_updatedDate`) are always
 *   accepted, typed as in SYSTEM_FIELDS, even when a strict collection does not
 *   declare them: Wix sends `_owner` on every insert (§4.5), and the storage
 *   decides what it can keep. A `null` `_id` is treated as absent (the insert
 *   then generates one).
 * - Undeclared keys: a strict collection (the default when `strict` is not
 *   given, like StoredCollection) refuses them with VALIDATION_ERROR
 *   (docs/semantics.md §7.2 asks to pick one behaviour); a non-strict one
 *   keeps them as ANY.
 * - Keys starting with `$` are refused (WDE0134, docs/semantics.md §7.3),
 *   and so is `__proto__`, at any depth (a JS object cannot hold it as a plain
 *   key, so a storage would drop it while the answer still showed it).
 * - Every value is checked before anything else reads it (wire/limits.ts):
 *   objects and arrays nested at most LIMITS.valueDepth levels, strings and
 *   keys well-formed UTF-16, numbers finite (JSON's 1e309 parses as Infinity,
 *   which no database stores) — each problem a violation naming its path.
 */
import { errors, type Violation } from '../errors.ts';
import { type Field, type FieldType, ID_FIELD, SYSTEM_FIELDS } from '../model.ts';
import { isObjectValue } from '../plain-object.ts';
import type { Item, Value } from '../query/ast.ts';
import { isDateLiteral, parseDateLiteral, toDateLiteral } from './dates.ts';
import { decodeAny, decodeFieldValue, toInstant } from './field-values.ts';
import { checkJson, LIMITS } from './limits.ts';

/** Max item size (docs/semantics.md §10: 500 KB), measured as UTF-8 JSON. */
export const MAX_ITEM_BYTES = 500 * 1024;
/** `_id` length (wire/limits.ts). */
export const MAX_ID_LENGTH = LIMITS.itemIdLength;

const VALUE_DEPTH_MESSAGE = `a field value may nest objects and arrays at most ${LIMITS.valueDepth} levels deep`;

export interface CodecCollection {
  readonly fields: readonly Field[];
  /** Undeclared keys refused (true, default) or kept as ANY (false). */
  readonly strict?: boolean;
}

const SYSTEM_BY_KEY: ReadonlyMap<string, Field> = new Map(SYSTEM_FIELDS.map((field) => [field.key, field]));

// Field lookup per schema, built once per fields array (collections are cached
// by the core, so the same array comes back on every call).
const lookups = new WeakMap<readonly Field[], ReadonlyMap<string, Field>>();

function lookupOf(fields: readonly Field[]): ReadonlyMap<string, Field> {
  let lookup = lookups.get(fields);
  if (!lookup) {
    const map = new Map<string, Field>(SYSTEM_BY_KEY);
    for (const field of fields) map.set(field.key, field);
    lookup = map;
    lookups.set(fields, lookup);
  }
  return lookup;
}

function byteLength(item: unknown): number {
  const json = JSON.stringify(item);
  // Cheap bound first: UTF-8 needs at most 3 bytes per UTF-16 unit.
  return json.length * 3 <= MAX_ITEM_BYTES ? json.length : Buffer.byteLength(json, 'utf8');
}

/**
 * Wire item → internal item. Throws `errors.validation` listing every problem
 * of the item, with field paths `${path}.${key}` (the server turns it into a
 * per-item error in bulk calls, §12.3).
 */
export function decodeItem(collection: CodecCollection, wire: unknown, path: string): Item {
  if (!isObjectValue(wire)) throw errors.violation(path, wire, 'an item must be a JSON object');
  const lookup = lookupOf(collection.fields);
  const strict = collection.strict !== false;
  const violations: Violation[] = [];
  const item: Record<string, Value> = {};

  // The item object itself is one level above its field values.
  const walk = { maxDepth: LIMITS.valueDepth + 1, depthMessage: VALUE_DEPTH_MESSAGE, itemValue: true };
  checkJson(wire, path, walk, violations);
  // Measuring the size serialises the item: only once its depth is known to be bounded.
  if (violations.length > 0) throw errors.validation(violations);

  const size = byteLength(wire);
  if (size > MAX_ITEM_BYTES) {
    violations.push({
      fieldPath: path,
      rejectedValue: `${size} bytes`,
      message: `the item is ${Math.ceil(size / 1024)} KB; items may be at most 500 KB`,
    });
  }

  for (const key of Object.keys(wire)) {
    const value = wire[key];
    const at = `${path}.${key}`;
    if (value === undefined) continue;
    if (key.startsWith('$')) {
      violations.push({ fieldPath: at, rejectedValue: key, message: 'field keys must not start with "$"' });
      continue;
    }
    if (key === '__proto__') continue; // refused by checkJson above (assigning it would replace the prototype)
    if (key === ID_FIELD) {
      if (value === null) continue;
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_ID_LENGTH) {
        violations.push({
          fieldPath: at,
          rejectedValue: typeof value === 'string' ? value : JSON.stringify(value),
          message: `_id must be a non-empty string of at most ${MAX_ID_LENGTH} characters`,
        });
        continue;
      }
      item[key] = value;
      continue;
    }
    const field = lookup.get(key);
    if (!field) {
      if (strict) {
        violations.push({
          fieldPath: at,
          rejectedValue: key,
          message: `unknown field ${key} — add it to the collection or remove it from the item`,
        });
      } else {
        item[key] = value === null ? null : decodeAny(value);
      }
      continue;
    }
    if (field.type === 'MULTI_REFERENCE') continue;
    if (value === null) {
      item[key] = null;
      continue;
    }
    if (field.encrypted) {
      item[key] = value as Value;
      continue;
    }
    const decoded = decodeFieldValue(field.type, value, at, violations);
    if (decoded !== undefined) {
      item[key] =
        Array.isArray(decoded) && field.arrayOptions
          ? checkElements(decoded, field.arrayOptions.elementType, at, violations)
          : decoded;
    }
  }

  if (violations.length > 0) throw errors.validation(violations);
  return item;
}

interface ElementCheck {
  /** The element in the form it is stored and answered in; undefined when it is not one. */
  readonly accept: (v: Value) => Value | undefined;
  readonly noun: string;
}

const kept = (test: (v: Value) => boolean) => (v: Value) => (test(v) ? v : undefined);

/** What an element of an ARRAY field declared with `arrayOptions.elementType` must be (null aside). */
const ELEMENT_CHECKS: Partial<Record<FieldType, ElementCheck>> = {
  NUMBER: { accept: kept((v) => typeof v === 'number'), noun: 'a number' },
  TEXT: { accept: kept((v) => typeof v === 'string'), noun: 'a string' },
  BOOLEAN: { accept: kept((v) => typeof v === 'boolean'), noun: 'true or false' },
  // A date element travels as `{"$date"}` like a DATETIME field's value (docs/protocol.md §9.2),
  // and is answered in that form with milliseconds and Z, whatever form of instant was sent.
  DATETIME: {
    accept: (v) => {
      const date = isDateLiteral(v) ? parseDateLiteral(v) : undefined;
      return date ? (toDateLiteral(date) as unknown as Value) : undefined;
    },
    noun: 'a date, {"$date": "2024-05-01T09:30:00.000Z"}',
  },
};

/**
 * The elements of an ARRAY field declared as holding one type: the query parser types their
 * operands by it (parse-operand.ts), so an element of another type would be stored and never
 * matched. Returns the elements as stored: as sent, dates in their canonical form.
 */
function checkElements(values: readonly Value[], elementType: FieldType, at: string, violations: Violation[]): Value {
  const check = ELEMENT_CHECKS[elementType];
  if (!check) return values as Value;
  return values.map((element, index) => {
    if (element === null) return element;
    const accepted = check.accept(element);
    if (accepted !== undefined) return accepted;
    violations.push({
      fieldPath: `${at}[${index}]`,
      rejectedValue: typeof element === 'string' ? element : JSON.stringify(element),
      message: `must be ${check.noun} (the field's elements are ${elementType})`,
    });
    return element;
  });
}

/**
 * Internal value → wire: every `Date`, at any depth, becomes `{"$date"}` with
 * milliseconds and `Z` (§3.5); everything else is returned as is (the same
 * reference when nothing inside needed encoding).
 */
export function encodeValue(value: Value): unknown {
  if (value instanceof Date) return toDateLiteral(value);
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const element = value[i] as Value;
      const encoded = encodeValue(element);
      if (encoded !== element && !out) out = value.slice(0, i);
      if (out) out.push(encoded);
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    let out: Record<string, unknown> | undefined;
    const source = value as { readonly [key: string]: Value };
    const keys = Object.keys(source);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const element = source[key] as Value;
      const encoded = encodeValue(element);
      if (encoded !== element && !out) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j] as string] = source[keys[j] as string];
      }
      if (out) out[key] = encoded;
    }
    return out ?? value;
  }
  return value;
}

/**
 * The keys every answered item carries — the one null rule (SEMANTICS.md rule 39):
 * in a strict collection every declared field is answered, `null` when the
 * stored item has no value for it (a SQL NULL, a document field never set or
 * set to null all look alike), limited to the projection when one is given.
 * MULTI_REFERENCE fields are left out: the relation is read through
 * query-referenced or includeReferencedItems, never as a stored value.
 * Non-strict collections (fields inferred from a sample) answer what is stored.
 */
export function answerKeys(collection: CodecCollection, projection?: readonly string[]): readonly string[] {
  if (collection.strict === false) return NO_KEYS;
  if (projection === undefined) {
    let keys = declaredKeys.get(collection.fields);
    if (!keys) {
      keys = collection.fields.filter((f) => f.type !== 'MULTI_REFERENCE').map((f) => f.key);
      declaredKeys.set(collection.fields, keys);
    }
    return keys;
  }
  const lookup = lookupOf(collection.fields);
  return projection.filter((key) => {
    const field = lookup.get(key);
    return field !== undefined && field.type !== 'MULTI_REFERENCE';
  });
}

const NO_KEYS: readonly string[] = Object.freeze([]);
const declaredKeys = new WeakMap<readonly Field[], readonly string[]>();

/**
 * Internal item → wire item. `undefined` keys are dropped. DATETIME fields are
 * always emitted as `{"$date"}` (never a bare string, §9.2): a storage that
 * hands back an ISO string for one is corrected here. Keys of `answerKeys`
 * the item lacks are answered as `null`.
 */
export function encodeItem(
  collection: CodecCollection,
  item: Item,
  projection?: readonly string[],
): Record<string, unknown> {
  const lookup = lookupOf(collection.fields);
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(item)) {
    const value = item[key];
    if (value === undefined) continue;
    if (typeof value === 'string' && lookup.get(key)?.type === 'DATETIME') {
      const instant = toInstant(value);
      out[key] = instant ? toDateLiteral(instant) : value;
      continue;
    }
    out[key] = encodeValue(value);
  }
  for (const key of answerKeys(collection, projection)) {
    if (!Object.hasOwn(out, key)) out[key] = null;
  }
  return out;
}
