/**
 * Internal values (query/ast.ts: JSON with `Date` for instants) ⇄ Firestore
 * document data. Dates become Timestamps (the client converts `Date`), maps
 * and arrays stay maps and arrays so dotted paths and array-contains work.
 *
 * Firestore cannot hold an array directly inside an array ("Cannot convert an
 * array value in an array value"), which Wix ARRAY/ANY values may contain: an
 * inner array is stored as the one-key map `{ "$wixArray": [...] }` and read
 * back as an array. `$wixArray` is therefore a reserved map key (README.md).
 */
import { errors, type Item, type SpiError, type Value } from '@adaptors/core';
import { DocumentReference, GeoPoint, Timestamp } from '@google-cloud/firestore';

export const NESTED_ARRAY_KEY = '$wixArray';

type Data = { [key: string]: unknown };

/** Firestore's maximum depth of maps and arrays in a document ("Limits"); deeper data is refused by the client. */
export const MAX_DOCUMENT_DEPTH = 20;

/**
 * `depth` counts the maps and arrays around `value` as Firestore does, after
 * wrapping inner arrays. The core bounds Wix values at the same 20 levels
 * (packages/core/README.md "Input limits"), but each array inside an array
 * adds a map here, so the encoded value can still be too deep: refused per
 * item before the write (handing the client such a document left a bulk write
 * hanging). A map whose key is the reserved `$wixArray` would read back as an
 * array: refused rather than changed.
 */
function encodeNested(value: Value, insideArray: boolean, depth: number, path: string): unknown {
  if (value instanceof Date || value === null || typeof value !== 'object') return value;
  const instant = answeredInstant(value);
  if (instant) return instant;
  const level = depth + 1 + (Array.isArray(value) && insideArray ? 1 : 0);
  if (level > MAX_DOCUMENT_DEPTH) {
    throw errors.violation(
      path,
      'a nested value',
      `Firestore stores at most ${MAX_DOCUMENT_DEPTH} levels of maps and arrays, and an array inside an array takes two (it is stored as a {"${NESTED_ARRAY_KEY}": [...]} map); nest this value less deeply`,
    );
  }
  if (Array.isArray(value)) {
    const encoded = value.map((element, i) => encodeNested(element, true, level, `${path}[${i}]`));
    return insideArray ? { [NESTED_ARRAY_KEY]: encoded } : encoded;
  }
  const out: Data = {};
  for (const [key, element] of Object.entries(value)) {
    if (key === NESTED_ARRAY_KEY) {
      throw errors.violation(
        `${path}.${key}`,
        key,
        `"${NESTED_ARRAY_KEY}" is a reserved key in Firestore (it marks an array stored inside an array); rename it`,
      );
    }
    if (element !== undefined) out[key] = encodeNested(element as Value, false, level, `${path}.${key}`);
  }
  return out;
}

/** `{"$date": …}` in exactly the text the adaptor answers a Date as (`toISOString`, years 0001–9999). */
const ANSWERED_INSTANT = /^(?!0000)\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/**
 * The instant of a `{"$date": …}` map in the exact form reads answer a Timestamp inside a map
 * or an array (the core's encodeValue: `toISOString`), else undefined. The core decodes only a
 * top-level literal into a Date (packages/core/src/wire/field-values.ts decodeAny) and keeps
 * nested ones as maps; stored as such they would be maps with a `$date` key to every other
 * program reading the collection, and a Timestamp read back as a map. As a Timestamp it is
 * answered as the same text, and the evaluator already reads such a literal as that instant
 * (packages/core/src/query/compare.ts instantOf). Any other text (another offset, no
 * milliseconds, not a date) is kept as the map it is, so the answer stays what was written.
 */
function answeredInstant(value: object): Date | undefined {
  if (Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1 || keys[0] !== '$date') return undefined;
  const text = (value as { $date: unknown }).$date;
  if (typeof text !== 'string' || !ANSWERED_INSTANT.test(text)) return undefined;
  const date = new Date(text);
  return !Number.isNaN(date.getTime()) && date.toISOString() === text ? date : undefined;
}

/** An item as document data: `_id` is the document id, never a field. Throws a VALIDATION_ERROR SpiError for data Firestore cannot hold exactly. */
export function toDocumentData(item: Item): Data {
  const out: Data = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === '_id' || value === undefined) continue;
    out[key] = encodeNested(value, false, 0, key);
  }
  return out;
}

function isNestedArrayMarker(value: object): value is { [NESTED_ARRAY_KEY]: unknown[] } {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === NESTED_ARRAY_KEY && Array.isArray((value as Data)[NESTED_ARRAY_KEY]);
}

/**
 * Firestore value → internal value. Types Wix has no name for (documents
 * written by other programs) are mapped to plain JSON: GeoPoint → {latitude,
 * longitude}, DocumentReference → its path, Bytes → base64 text.
 */
export function fromFirestoreValue(value: unknown): Value {
  // Scalars first: most values of a document are text, numbers and booleans (the hot read path).
  const type = typeof value;
  if (type === 'string' || type === 'number' || type === 'boolean') return value as Value;
  if (value === null || value === undefined) return null;
  if (type === 'bigint') return integerValue(value as bigint);
  if (value instanceof Timestamp) return timestampDate(value.seconds, value.nanoseconds);
  if (value instanceof Date) return value;
  if (Array.isArray(value)) return value.map(fromFirestoreValue);
  if (value instanceof GeoPoint) return { latitude: value.latitude, longitude: value.longitude };
  if (value instanceof DocumentReference) return value.path;
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return Buffer.from(value).toString('base64');
  if (type === 'object') {
    if (isNestedArrayMarker(value as object))
      return (value as { [NESTED_ARRAY_KEY]: unknown[] })[NESTED_ARRAY_KEY].map(fromFirestoreValue);
    const out: { [key: string]: Value } = {};
    for (const key in value as Data) out[key] = fromFirestoreValue((value as Data)[key]);
    return out;
  }
  return value as Value;
}

/**
 * A Timestamp (whole seconds, then 0–999,999,999 nanoseconds) as a Date: truncated to the
 * millisecond it lies in, as Spanner and BigQuery answer their timestamps (docs/engines.md §2
 * "Read as epoch milliseconds"), so one instant is answered alike on every engine and the
 * answer is never later than the stored value. Not the client's `Timestamp.toDate()`, which
 * rounds to the nearest millisecond (600 µs answered as the next millisecond, 999.6 ms as the
 * next second).
 */
export function timestampDate(seconds: number, nanoseconds: number): Date {
  return new Date(seconds * 1000 + Math.floor(nanoseconds / 1_000_000));
}

/**
 * The client's settings for this adaptor. `useBigInt`: an integerValue is
 * handed out as a BigInt instead of being rounded into a double, so values
 * beyond ±2^53 (int64 ids written by other programs) are never rounded
 * silently; `integerValue` turns each back into a number when that is exact.
 */
export const FIRESTORE_CLIENT_SETTINGS = { ignoreUndefinedProperties: true, useBigInt: true } as const;

/**
 * An integerValue → a Wix value: a number when a double holds it exactly
 * (every integer within ±2^53), otherwise its exact decimal text — never a
 * rounded number. Inference then types such a field TEXT (schema.ts).
 */
export function integerValue(value: bigint): Value {
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : value.toString();
}

/** Decimal text of an integer beyond ±2^53 that Firestore's int64 holds: what `integerValue` answers such a value as. */
export function unsafeIntegerOfText(text: string): bigint | undefined {
  const n = int64OfText(text);
  return n !== undefined && !Number.isSafeInteger(Number(n)) ? n : undefined;
}

/**
 * Document data for a full replacement that keeps stored integers integers:
 * where the document held an integer and the item holds the decimal text of
 * an int64 (how integers beyond ±2^53 are answered), the text is written back
 * as that integer, so updating an item never turns another program's int64
 * into a string.
 */
export function keepStoredIntegers(data: Data, stored: Data | undefined): Data {
  if (!stored) return data;
  const out: Data = { ...data };
  for (const [key, value] of Object.entries(data)) {
    if (typeof stored[key] !== 'bigint' || typeof value !== 'string') continue;
    const integer = int64OfText(value);
    if (integer !== undefined) out[key] = integer;
  }
  return out;
}

/**
 * Document data for a full replacement (items/update) that keeps the owner's Firestore types:
 * wherever a written value — a field, or a value at any depth inside a map or an array — is
 * answered exactly as the stored value there is answered (fromFirestoreValue, then the wire
 * encoding: a GeoPoint as {latitude, longitude}, a reference as its path, bytes as base64, a
 * Timestamp as its millisecond, an int64 as its text), the stored value is written instead of
 * the value decoded from the wire. Wix sends back what it was answered, so an item edited in one
 * field keeps every other field as another program stored it: GeoPoint, reference, bytes,
 * sub-millisecond Timestamps, integers. A changed value is written as given (values.ts above).
 * The storage format's `$wix` map is the adaptor's own, always written anew.
 */
export function keepStoredValues(data: Data, stored: Data | undefined): Data {
  if (!stored) return data;
  const out: Data = { ...data };
  for (const key of Object.keys(data)) {
    if (key === FORMAT_MAP_KEY || !Object.hasOwn(stored, key)) continue;
    out[key] = keptValue(data[key], stored[key]).value;
  }
  return out;
}

/** The value to write for `written` where `stored` is: `same` when all of `written` is answered as `stored` is. */
function keptValue(written: unknown, stored: unknown): { readonly value: unknown; readonly same: boolean } {
  if (Array.isArray(written) && Array.isArray(stored)) {
    let same = written.length === stored.length;
    const value = written.map((element, i) => {
      if (i >= stored.length) return element;
      const kept = keptValue(element, stored[i]);
      if (!kept.same) same = false;
      return kept.value;
    });
    return same ? { value: stored, same } : { value, same };
  }
  if (isPlainMap(written) && isPlainMap(stored)) {
    const keys = Object.keys(written);
    let same = keys.length === Object.keys(stored).length;
    const value: Data = {};
    for (const key of keys) {
      if (!Object.hasOwn(stored, key)) {
        same = false;
        value[key] = written[key];
        continue;
      }
      const kept = keptValue(written[key], stored[key]);
      if (!kept.same) same = false;
      value[key] = kept.value;
    }
    return same ? { value: stored, same } : { value, same };
  }
  const same = sameAnswer(fromFirestoreValue(written), fromFirestoreValue(stored));
  return { value: same ? stored : written, same };
}

/** A map as document data holds it (not a Timestamp, GeoPoint, reference, bytes or Date). */
function isPlainMap(value: unknown): value is Data {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Whether two values are answered alike on the wire (Dates as their instant, maps whatever their key order). */
function sameAnswer(a: Value, b: Value): boolean {
  if (a instanceof Date || b instanceof Date) {
    return a instanceof Date && b instanceof Date && a.getTime() === b.getTime();
  }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) || Array.isArray(b)) {
    return (
      Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameAnswer(v, b[i] as Value))
    );
  }
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length &&
    keys.every((key) => Object.hasOwn(b, key) && sameAnswer((a as Data)[key] as Value, (b as Data)[key] as Value))
  );
}

/** An int64 written as canonical decimal text ("-12", not "012" or "1e3"); undefined otherwise. */
function int64OfText(text: string): bigint | undefined {
  if (!/^(0|-?[1-9]\d{0,18})$/.test(text)) return undefined;
  const n = BigInt(text);
  return n >= -(2n ** 63n) && n < 2n ** 63n ? n : undefined;
}

/** The reserved map of the storage format (format.ts), never answered. */
export const FORMAT_MAP_KEY = '$wix';

/**
 * Top-level keys no Wix field can have (packages/core/src/wire/schemas/collections.ts
 * `FieldKey`): one starting with `$` reads as an operator (or `$date`) in filters and is refused
 * in items, a dot addresses a path inside an object. The storage format's `$wix` map is one.
 * Documents written by other programs may hold such keys, but listed as fields they made
 * collections/update refuse the listed fields, could not be filtered, and an item answered
 * with them could not be sent back by items/update. So they are neither listed nor answered,
 * and an update keeps them as stored (keepUnansweredFields): TYPES.md.
 */
export function unanswerableKey(key: string): boolean {
  return key.startsWith('$') || key.includes('.');
}

/**
 * A full replacement (items/update) of a document keeps the stored fields Wix is never answered
 * (unanswerableKey, and a data field `_id`: the item's `_id` is the document id, toItem) unless
 * `data` writes them itself (the storage format's `$wix` map): Wix cannot send back what it never
 * saw, and replacing the document must not delete another program's data it did not ask to
 * change (an `_id` field another program keeps beside the document id, a MongoDB id copied in).
 */
export function keepUnansweredFields(data: Data, stored: Data | undefined): Data {
  if (!stored) return data;
  for (const key of Object.keys(stored)) {
    if ((key === '_id' || unanswerableKey(key)) && !Object.hasOwn(data, key)) data[key] = stored[key];
  }
  return data;
}

/**
 * Document → item. A stored `_id` field (written by another program) never
 * overrides the document id; keys no Wix field can have (unanswerableKey, the
 * storage format's `$wix` map among them) are not item values.
 */
export function toItem(id: string, data: Data | undefined): Item {
  const item: { [key: string]: Value } = { _id: id };
  if (!data) return item;
  let integers: Set<string> | undefined;
  for (const key in data) {
    if (key === '_id' || unanswerableKey(key)) continue;
    const stored = data[key];
    const value = fromFirestoreValue(stored);
    item[key] = value;
    if (typeof stored === 'bigint' && typeof value === 'string') {
      integers ??= new Set();
      integers.add(key);
    }
  }
  if (integers) markIntegerText(item, integers);
  return item;
}

/** Records which top-level fields of `item` hold an integer answered as text (holdsIntegerText). */
export function markIntegerText(item: Item, fields: ReadonlySet<string>): void {
  INTEGER_TEXT_FIELDS.set(item, fields);
}

/** Items whose top-level fields hold an integer answered as text (beyond ±2^53): which fields. */
const INTEGER_TEXT_FIELDS = new WeakMap<Item, ReadonlySet<string>>();

/**
 * Whether `item[field]` is an integerValue answered as its decimal text (not a
 * string that happens to look like one): ranges and sorts compare it as the
 * integer (integers.ts). Known for items read by `toItem`.
 */
export function holdsIntegerText(item: Item, field: string): boolean {
  return INTEGER_TEXT_FIELDS.get(item)?.has(field) === true;
}

/**
 * Firestore document ids: at most 1,500 bytes, no '/', not '.' or '..', not
 * matching __.*__ (Firestore "Limits": document IDs). Returns the problem, or
 * undefined when the id can be used as is.
 */
export function documentIdProblem(id: string): string | undefined {
  if (id.length === 0) return 'it is empty';
  if (id.includes('/')) return 'Firestore document ids cannot contain "/"';
  if (id === '.' || id === '..') return 'Firestore document ids cannot be "." or ".."';
  if (/^__.*__$/.test(id)) return 'Firestore reserves document ids of the form __name__';
  if (Buffer.byteLength(id, 'utf8') > 1500) return 'Firestore document ids are at most 1,500 bytes';
  return undefined;
}

export function invalidItemId(id: string, problem: string): SpiError {
  return errors.violation('_id', id, `this _id cannot be stored in Firestore: ${problem}; use another _id`);
}

export function isValidDocumentId(id: unknown): id is string {
  return typeof id === 'string' && documentIdProblem(id) === undefined;
}
