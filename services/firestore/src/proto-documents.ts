/**
 * Documents of the v1 gapic `runQuery` (google.firestore.v1.Document messages
 * as protobufjs decodes them, response-decoder.ts: the member a Value holds as
 * an own property, int64 as a Long or a number, bytes as Buffers) → items, exactly as
 * `toItem(doc.id, doc.data())` answers the same document through the client (values.ts): integers as
 * numbers, or as their decimal text beyond ±2^53 (marked for
 * holdsIntegerText); timestamps as Dates truncated to the millisecond
 * (values.ts timestampDate); bytes as base64; references as their
 * document path; geo points as {latitude, longitude}; an array stored inside
 * an array as that array; keys no Wix field can have (values.ts unanswerableKey, the storage
 * format's `$wix` map among them) left out.
 * test/proto-documents.test.ts reads the same documents both ways.
 *
 * The client decodes a few typed maps (vectors, BSON types: a `__type__` key
 * or a single reserved `__…__` key) into its own classes; such a document is
 * refused with UndecodedValue so the caller reads it through the client.
 */
import type { Item, Value } from '@adaptors/core';
import { markIntegerText, NESTED_ARRAY_KEY, timestampDate, unanswerableKey } from './values.ts';

/** google.firestore.v1.Value as protobufjs decodes it: the member set is an own property. */
export interface ProtoField {
  readonly [member: string]: unknown;
}

/**
 * The members of google.firestore.v1.Value's `value_type` oneof that a document's field can
 * hold (google/firestore/v1/document.proto), the common ones first.
 */
const VALUE_MEMBERS = [
  'stringValue',
  'integerValue',
  'doubleValue',
  'booleanValue',
  'timestampValue',
  'nullValue',
  'mapValue',
  'arrayValue',
  'bytesValue',
  'referenceValue',
  'geoPointValue',
] as const;

/**
 * The oneof member a decoded Value holds: an own property, set and not null (a decoded
 * message keeps its unset members' defaults on its prototype). What protobufjs's virtual
 * `valueType` getter answers, without the `Object.keys` array that getter allocates on every
 * read (a tenth of the bytes the service allocated per 50-document query). A member not in
 * the list (a newer kind) answers undefined: the caller refuses the value (UndecodedValue).
 */
export function valueMember(value: ProtoField): (typeof VALUE_MEMBERS)[number] | undefined {
  for (const member of VALUE_MEMBERS) {
    if (Object.hasOwn(value, member) && value[member] !== undefined && value[member] !== null) return member;
  }
  return undefined;
}

export interface ProtoDocument {
  readonly name: string;
  readonly fields?: Readonly<Record<string, ProtoField>> | null;
}

/** A value the client decodes into one of its own classes: read that document through the client. */
export class UndecodedValue extends Error {
  constructor(readonly field: string) {
    super(
      `field ${field} holds a value only the Firestore client decodes (a vector or BSON map, or a reference to a collection)`,
    );
    this.name = 'UndecodedValue';
  }
}

/** The document id: the last segment of its resource name. */
export function documentId(name: string): string {
  return name.slice(name.lastIndexOf('/') + 1);
}

/** A document's text fields (`stringValue`s) by name; fields of other types are left out. */
export function textFields(document: ProtoDocument): Record<string, string> {
  const texts: Record<string, string> = {};
  for (const [name, value] of Object.entries(document.fields ?? {})) {
    if (valueMember(value) === 'stringValue') texts[name] = value.stringValue as string;
  }
  return texts;
}

export function itemOfDocument(document: ProtoDocument): Item {
  const item: { [key: string]: Value } = { _id: documentId(document.name) };
  const fields = document.fields;
  if (!fields) return item;
  let integers: Set<string> | undefined;
  for (const key in fields) {
    if (key === '_id' || unanswerableKey(key)) continue;
    const field = fields[key] as ProtoField;
    const value = decodedValue(field, key);
    item[key] = value;
    if (typeof value === 'string' && valueMember(field) === 'integerValue') {
      integers ??= new Set();
      integers.add(key);
    }
  }
  if (integers) markIntegerText(item, integers);
  return item;
}

/**
 * An int64 as protobufjs decodes it: a Long (two 32-bit halves), or a number
 * where protobufjs runs without long.js (every value it decodes then is exact
 * only within ±2^53, as a double).
 */
type Int64 = number | string | { readonly low: number; readonly high: number; readonly unsigned?: boolean };

/**
 * A double holds every integer within ±2^53 exactly; beyond, the canonical
 * decimal text (values.ts integerValue). A Long is within ±2^53 when its high
 * half is within ±2^21.
 */
function integerOf(value: Int64): number | string {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : BigInt(value).toString();
  }
  const { low, high, unsigned } = value;
  if (unsigned ? high >>> 0 < 0x200000 : high >= -0x200000 && high < 0x200000) {
    const n = high * 0x1_0000_0000 + (low >>> 0);
    if (Number.isSafeInteger(n)) return n;
  }
  const wide = (BigInt(unsigned ? high >>> 0 : high) << 32n) | BigInt(low >>> 0);
  return wide.toString();
}

function decodedValue(field: ProtoField, key: string): Value {
  switch (valueMember(field)) {
    case 'stringValue':
      return field.stringValue as string;
    case 'booleanValue':
      return field.booleanValue as boolean;
    case 'doubleValue':
      return field.doubleValue as number;
    case 'integerValue':
      return integerOf(field.integerValue as Int64);
    case 'nullValue':
      return null;
    case 'timestampValue': {
      const t = field.timestampValue as { seconds?: Int64 | null; nanos?: number };
      // Seconds of a Timestamp lie within years 1–9999: always a safe integer.
      return timestampDate(Number(integerOf(t.seconds ?? 0)), t.nanos ?? 0);
    }
    case 'arrayValue':
      return ((field.arrayValue as { values?: ProtoField[] }).values ?? []).map((v) => decodedValue(v, key));
    case 'mapValue': {
      const fields = (field.mapValue as { fields?: Record<string, ProtoField> }).fields ?? {};
      const keys = Object.keys(fields);
      if ('__type__' in fields || (keys.length === 1 && /^__.+__$/.test(keys[0] as string)))
        throw new UndecodedValue(key);
      if (
        keys.length === 1 &&
        keys[0] === NESTED_ARRAY_KEY &&
        valueMember(fields[NESTED_ARRAY_KEY] as ProtoField) === 'arrayValue'
      ) {
        return decodedValue(fields[NESTED_ARRAY_KEY] as ProtoField, key);
      }
      const out: { [key: string]: Value } = {};
      for (const k of keys) out[k] = decodedValue(fields[k] as ProtoField, key);
      return out;
    }
    case 'bytesValue':
      return Buffer.from(field.bytesValue as Uint8Array).toString('base64');
    case 'referenceValue': {
      const name = field.referenceValue as string;
      const at = name.indexOf('/documents/');
      const path = at < 0 ? '' : name.slice(at + '/documents/'.length);
      // The client decodes only references to documents (an even number of segments).
      if (path === '' || path.split('/').length % 2 !== 0) throw new UndecodedValue(key);
      return path;
    }
    case 'geoPointValue': {
      const p = field.geoPointValue as { latitude?: number; longitude?: number };
      return { latitude: p.latitude ?? 0, longitude: p.longitude ?? 0 };
    }
    default:
      throw new UndecodedValue(key);
  }
}
