import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FIELD_TYPES, type Field, type FieldType } from '../../src/model.ts';
import { decodeItem, encodeItem } from '../../src/wire/codec.ts';

// MULTI_REFERENCE values are not stored on the item (dropped on decode), so they cannot round-trip.
const ITEM_TYPES = FIELD_TYPES.filter((type) => type !== 'MULTI_REFERENCE');
const SYSTEM_KEYS = new Set(['_id', '_owner', '_createdDate', '_updatedDate', '__proto__']);

const key = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_-]{0,15}$/).filter((k) => !SYSTEM_KEYS.has(k));
const instant = fc.date({
  min: new Date('1000-01-01T00:00:00Z'),
  max: new Date('9999-12-31T23:59:59Z'),
  noInvalidDate: true,
});
const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
const time = fc
  .tuple(
    two(23),
    two(59),
    fc.option(two(59), { nil: undefined }),
    fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }),
  )
  .map(
    ([h, m, s, ms]) =>
      `${h}:${m}${s === undefined ? '' : `:${s}${ms === undefined ? '' : `.${String(ms).padStart(3, '0')}`}`}`,
  );
// Valid values only: `__proto__` is refused as a key at any depth (wire/limits.ts), so it is never generated.
const jsonValue = fc.jsonValue().filter((v) => !JSON.stringify(v).includes('"__proto__"'));
const jsonObject = fc.dictionary(
  fc.string().filter((k) => k !== '__proto__'),
  jsonValue,
  { maxKeys: 4 },
);
const jsonArray = fc.array(jsonValue, { maxLength: 4 });

/** A valid value of `type` in its canonical wire form (what encodeItem emits). */
function wireValue(type: FieldType): fc.Arbitrary<unknown> {
  switch (type) {
    case 'NUMBER':
      return fc.double({ noNaN: true, noDefaultInfinity: true });
    case 'BOOLEAN':
      return fc.boolean();
    case 'DATE':
      return instant.map((date) => date.toISOString().slice(0, 10));
    case 'DATETIME':
      return instant.map((date) => ({ $date: date.toISOString() }));
    case 'TIME':
      return time;
    case 'OBJECT':
    case 'ADDRESS':
    case 'RICH_CONTENT':
      return jsonObject;
    case 'ARRAY':
    case 'MEDIA_GALLERY':
    case 'ARRAY_DOCUMENT':
      return jsonArray;
    case 'ARRAY_STRING':
      return fc.array(fc.string(), { maxLength: 5 });
    case 'ANY':
      return jsonValue;
    default:
      return fc.string();
  }
}

const schema = fc
  .uniqueArray(fc.record({ key, type: fc.constantFrom(...ITEM_TYPES), encrypted: fc.boolean() }), {
    selector: (field) => field.key,
    maxLength: 12,
  })
  .map((fields) => fields.map((field): Field => (field.encrypted ? field : { key: field.key, type: field.type })));

function itemOf(fields: readonly Field[], extra: fc.Arbitrary<Record<string, unknown>>) {
  const declared: Record<string, fc.Arbitrary<unknown>> = {
    _id: fc.string({ minLength: 1, maxLength: 255 }),
    _owner: fc.string(),
    _createdDate: instant.map((date) => ({ $date: date.toISOString() })),
    _updatedDate: instant.map((date) => ({ $date: date.toISOString() })),
  };
  for (const field of fields) {
    // Encrypted values are opaque objects made by Wix (§9.1).
    const value = field.encrypted ? fc.record({ $encrypted: fc.base64String() }) : wireValue(field.type);
    declared[field.key] = fc.option(value, { nil: null });
  }
  return fc
    .tuple(fc.record(declared, { requiredKeys: [] }), extra)
    .map(([known, unknown]) => ({ ...unknown, ...known }));
}

describe('codec round trip (property)', () => {
  it('encodeItem(decodeItem(x)) = x for valid items of a strict schema', () => {
    const arbitrary = schema.chain((fields) => fc.tuple(fc.constant(fields), itemOf(fields, fc.constant({}))));
    fc.assert(
      fc.property(arbitrary, ([fields, wire]) => {
        const collection = { fields, strict: true };
        const item = decodeItem(collection, wire, 'item');
        // Every declared field is answered; the ones the item lacks as null (SEMANTICS.md rule 39).
        const answered: Record<string, unknown> = { ...wire };
        for (const field of fields) if (field.type !== 'MULTI_REFERENCE') answered[field.key] ??= null;
        expect(encodeItem(collection, item)).toEqual(answered);
        // And decoding is stable: decode(encode(decode(x))) = decode(x) once the nulls are read as values.
        const nulls = Object.fromEntries(
          Object.keys(answered)
            .filter((k) => !(k in item))
            .map((k) => [k, null]),
        );
        expect(decodeItem(collection, encodeItem(collection, item), 'item')).toEqual({ ...item, ...nulls });
      }),
      { numRuns: 300 },
    );
  });

  it('keeps undeclared keys of a non-strict schema', () => {
    const arbitrary = schema.chain((fields) => {
      const declared = new Set(fields.map((field) => field.key));
      const extra = fc.dictionary(
        key.filter((k) => !declared.has(k)),
        jsonValue,
        { maxKeys: 4 },
      );
      return fc.tuple(fc.constant(fields), itemOf(fields, extra));
    });
    fc.assert(
      fc.property(arbitrary, ([fields, wire]) => {
        const collection = { fields, strict: false };
        expect(encodeItem(collection, decodeItem(collection, wire, 'item'))).toEqual(wire);
      }),
      { numRuns: 200 },
    );
  });
});
