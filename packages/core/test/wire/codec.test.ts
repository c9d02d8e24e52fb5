import { describe, expect, it } from 'vitest';
import type { Field } from '../../src/model.ts';
import { answerKeys, decodeItem, encodeItem, encodeValue, MAX_ITEM_BYTES } from '../../src/wire/codec.ts';
import { expectViolation, spiErrorOf, violationsOf } from './helpers.ts';

const fields: Field[] = [
  { key: '_id', type: 'TEXT' },
  { key: '_createdDate', type: 'DATETIME' },
  { key: '_updatedDate', type: 'DATETIME' },
  { key: '_owner', type: 'TEXT' },
  { key: 'text', type: 'TEXT' },
  { key: 'number', type: 'NUMBER' },
  { key: 'boolean', type: 'BOOLEAN' },
  { key: 'date', type: 'DATE' },
  { key: 'datetime', type: 'DATETIME' },
  { key: 'time', type: 'TIME' },
  { key: 'url', type: 'URL' },
  { key: 'image', type: 'IMAGE' },
  { key: 'video', type: 'VIDEO' },
  { key: 'audio', type: 'AUDIO' },
  { key: 'document', type: 'DOCUMENT' },
  { key: 'richText', type: 'RICH_TEXT' },
  { key: 'language', type: 'LANGUAGE' },
  { key: 'richContent', type: 'RICH_CONTENT' },
  { key: 'address', type: 'ADDRESS' },
  { key: 'object', type: 'OBJECT' },
  { key: 'array', type: 'ARRAY' },
  { key: 'numbers', type: 'ARRAY', arrayOptions: { elementType: 'NUMBER' } },
  { key: 'dates', type: 'ARRAY', arrayOptions: { elementType: 'DATETIME' } },
  { key: 'gallery', type: 'MEDIA_GALLERY' },
  { key: 'documents', type: 'ARRAY_DOCUMENT' },
  { key: 'tags', type: 'ARRAY_STRING' },
  { key: 'any', type: 'ANY' },
  { key: 'supplier', type: 'REFERENCE', singleReferenceOptions: { referencedCollectionId: 'suppliers' } },
  { key: 'companions', type: 'MULTI_REFERENCE', multiReferenceOptions: { referencedCollectionId: 'plants' } },
  { key: 'secret', type: 'NUMBER', encrypted: true },
];
const strict = { fields };
const loose = { fields, strict: false };

const wireItem = {
  _id: 'c41f8a27',
  _owner: '9e2b4f70',
  _createdDate: { $date: '2026-06-03T07:20:11.402Z' },
  _updatedDate: { $date: '2026-06-03T07:20:11.402Z' },
  text: 'Thyme',
  number: 25.5,
  boolean: true,
  date: '2026-04-12',
  datetime: { $date: '2026-06-03T07:15:00.000Z' },
  time: '16:45:30.125',
  url: 'https://example.com',
  image: 'wix:image://v1/abc.png/a.png#originWidth=10&originHeight=10',
  video: 'https://example.com/v.mp4',
  audio: 'https://example.com/a.mp3',
  document: 'https://example.com/d.pdf',
  richText: '<p>Hi</p>',
  language: 'en',
  richContent: { nodes: [{ type: 'PARAGRAPH' }] },
  address: { formatted: '1 Main St', location: { latitude: 1, longitude: 2 } },
  object: { sun: 'full', nested: { $date: '2026-01-01T00:00:00.000Z' } },
  array: [1, 'two', { three: 3 }],
  gallery: [{ type: 'image', src: 'wix:image://v1/x' }],
  documents: ['https://example.com/1.pdf'],
  tags: ['herb', 'culinary'],
  any: { deep: [{ $date: '2026-01-01T00:00:00.000Z' }] },
  supplier: 'f0a1b2c3',
  secret: { $encrypted: 'AAECAw==' },
};

describe('decodeItem / encodeItem per field type (§9.2)', () => {
  it('round-trips every field type', () => {
    const item = decodeItem(strict, wireItem, 'items[0]');
    expect(item.datetime).toBeInstanceOf(Date);
    expect((item.datetime as Date).toISOString()).toBe('2026-06-03T07:15:00.000Z');
    expect(item._createdDate).toBeInstanceOf(Date);
    expect(item._updatedDate).toBeInstanceOf(Date);
    expect(item.date).toBe('2026-04-12');
    expect(item.time).toBe('16:45:30.125');
    // Nested date literals in OBJECT / ANY are kept verbatim.
    expect(item.object).toEqual(wireItem.object);
    expect(item.any).toEqual(wireItem.any);
    // Encrypted values are kept verbatim whatever the declared type.
    expect(item.secret).toEqual({ $encrypted: 'AAECAw==' });
    expect(encodeItem(loose, item)).toEqual(wireItem);
  });

  it('keeps 0, false and "" and null', () => {
    const item = decodeItem(strict, { number: 0, boolean: false, text: '', url: null, tags: [] }, 'item');
    expect(item).toEqual({ number: 0, boolean: false, text: '', url: null, tags: [] });
    expect(encodeItem(loose, item)).toEqual({ number: 0, boolean: false, text: '', url: null, tags: [] });
  });

  it('accepts null for every field type', () => {
    const nulls = Object.fromEntries(fields.filter((f) => f.key !== '_id').map((field) => [field.key, null]));
    const item = decodeItem(strict, nulls, 'item');
    const { companions: _dropped, ...expected } = nulls;
    expect(item).toEqual(expected);
  });

  it('keeps an ISO string in a TEXT field a string, both ways', () => {
    const iso = '2026-06-03T07:15:00.000Z';
    const item = decodeItem(strict, { text: iso }, 'item');
    expect(item.text).toBe(iso);
    expect(encodeItem(loose, item)).toEqual({ text: iso });
  });

  it('reads DATETIME without milliseconds, with an offset, or as a bare ISO string', () => {
    const item = decodeItem(
      strict,
      {
        datetime: { $date: '2026-06-03T07:15:00Z' },
        _createdDate: '2026-06-03T09:15:00+02:00',
        _updatedDate: { $date: '2026-06-03T07:15Z' },
      },
      'item',
    );
    expect(encodeItem(loose, item)).toEqual({
      datetime: { $date: '2026-06-03T07:15:00.000Z' },
      _createdDate: { $date: '2026-06-03T07:15:00.000Z' },
      _updatedDate: { $date: '2026-06-03T07:15:00.000Z' },
    });
  });

  it('stores a REFERENCE given as the referenced item by its _id', () => {
    const item = decodeItem(strict, { supplier: { _id: 'f0a1', name: 'Acme' } }, 'item');
    expect(item.supplier).toBe('f0a1');
  });

  it('drops MULTI_REFERENCE values silently', () => {
    const item = decodeItem(strict, { _id: 'a', companions: [{ _id: 'b' }] }, 'item');
    expect(item).toEqual({ _id: 'a' });
  });

  it('accepts the short TIME forms and leap days', () => {
    for (const time of ['16:45', '00:00:00', '23:59:59.9', '12:00:00.12']) {
      expect(decodeItem(strict, { time }, 'i').time).toBe(time);
    }
    expect(decodeItem(strict, { date: '2024-02-29' }, 'i').date).toBe('2024-02-29');
    // The first century: JavaScript's Date.UTC reads years 0–99 as 1900–1999.
    for (const date of ['0001-01-01', '0050-06-15', '0099-12-31', '2000-02-29', '9999-12-31']) {
      expect(decodeItem(strict, { date }, 'i').date).toBe(date);
    }
    expect(decodeItem(strict, { datetime: { $date: '0050-06-15T12:00:00Z' } }, 'i').datetime).toEqual(
      new Date('0050-06-15T12:00:00Z'),
    );
  });
});

describe('decodeItem refusals', () => {
  const bad: [string, unknown, string?][] = [
    ['text', 5],
    ['url', { href: 'x' }],
    ['image', ['x']],
    ['language', true],
    ['number', '5'],
    ['number', Number.NaN],
    ['number', Number.POSITIVE_INFINITY],
    ['boolean', 'true'],
    ['boolean', 0],
    ['date', '2026-02-30'],
    ['date', '1900-02-29'],
    ['date', '0000-01-01'],
    // Days and hours that do not exist, which JavaScript would roll into the next day.
    ['datetime', { $date: '2024-02-30T00:00:00Z' }],
    ['datetime', { $date: '2024-04-31T10:00:00.000Z' }],
    ['datetime', { $date: '2024-06-01T24:00:00Z' }],
    ['date', '2026-4-12'],
    ['date', '2026-04-12T00:00:00Z'],
    ['datetime', '2026-06-03'],
    ['datetime', { $date: 'not a date' }],
    ['datetime', 1717400000000],
    ['_createdDate', 'yesterday'],
    ['time', '24:00'],
    ['time', '7:30'],
    ['time', '12:00:00.1234'],
    ['object', [1]],
    ['object', 'x'],
    ['address', 'Main St'],
    ['richContent', 1],
    ['array', { 0: 'a' }],
    ['gallery', 'x'],
    ['documents', {}],
    ['tags', 'herb'],
    ['tags', ['ok', 3], 'items[2].tags[1]'],
    // An ARRAY declared with an element type holds only that type (null aside).
    ['numbers', [1, 'x'], 'items[2].numbers[1]'],
    ['numbers', [{ n: 1 }], 'items[2].numbers[0]'],
    ['dates', [{ $date: 'garbage' }], 'items[2].dates[0]'],
    ['dates', [{ $date: '2024-05-01T09:30:00.000Z' }, '2024-05-01T09:30:00.000Z'], 'items[2].dates[1]'],
    ['dates', [{ $date: '2024-05-01' }], 'items[2].dates[0]'],
    ['supplier', 7],
    ['supplier', { name: 'no id' }],
    ['_id', ''],
    ['_id', 5],
    ['_id', 'x'.repeat(256)],
    ['_owner', 5],
  ];
  for (const [key, value, path] of bad) {
    it(`refuses ${key} = ${JSON.stringify(value) ?? String(value)}`, () => {
      expectViolation(() => decodeItem(strict, { [key]: value }, 'items[2]'), path ?? `items[2].${key}`);
    });
  }

  it('lists every problem of the item at once', () => {
    const error = spiErrorOf(
      () => decodeItem(strict, { number: 'x', boolean: 'y', nope: 1, $set: {} }, 'items[0]'),
      'VALIDATION_ERROR',
    );
    expect(violationsOf(error).map((violation) => violation.fieldPath)).toEqual([
      'items[0].number',
      'items[0].boolean',
      'items[0].nope',
      'items[0].$set',
    ]);
  });

  it('refuses a non-object item', () => {
    for (const wire of [null, [], 'x', 3]) expectViolation(() => decodeItem(strict, wire, 'items[1]'), 'items[1]');
  });

  it('refuses a __proto__ key (it would replace the prototype, not add a field)', () => {
    const wire = JSON.parse('{"__proto__": {"polluted": true}, "text": "a"}');
    expectViolation(() => decodeItem(loose, wire, 'items[0]'), 'items[0].__proto__');
  });

  it('keeps an ARRAY declared with an element type as sent when its elements are of that type', () => {
    expect(decodeItem(strict, { numbers: [1, null, 2.5] }, 'items[0]')).toEqual({ numbers: [1, null, 2.5] });
  });

  it("reads a date-time without a zone as UTC, whatever the server's time zone", () => {
    const item = decodeItem(
      strict,
      { datetime: { $date: '2026-06-03T07:15:00' }, dates: [{ $date: '2026-06-03T07:15' }] },
      'i',
    );
    expect(item.datetime).toEqual(new Date('2026-06-03T07:15:00.000Z'));
    expect(item.dates).toEqual([{ $date: '2026-06-03T07:15:00.000Z' }]);
  });

  it('answers the dates of an ARRAY of DATETIME elements with milliseconds and Z, whatever instant form was sent', () => {
    const wire = { dates: [{ $date: '2024-05-01T11:30:00+02:00' }, null, { $date: '2024-05-01T09:30:00.5Z' }] };
    expect(decodeItem(strict, wire, 'items[0]')).toEqual({
      dates: [{ $date: '2024-05-01T09:30:00.000Z' }, null, { $date: '2024-05-01T09:30:00.500Z' }],
    });
  });

  it('treats a null _id as absent', () => {
    expect(decodeItem(strict, { _id: null, text: 'a' }, 'i')).toEqual({ text: 'a' });
  });

  it('refuses $-prefixed keys in non-strict collections too', () => {
    expectViolation(() => decodeItem(loose, { $inc: 1 }, 'items[0]'), 'items[0].$inc');
  });
});

describe('undeclared keys', () => {
  it('strict (default) refuses them with a helpful message', () => {
    const violation = expectViolation(() => decodeItem(strict, { nickname: 'x' }, 'items[4]'), 'items[4].nickname');
    expect(violation.message).toBe('unknown field nickname — add it to the collection or remove it from the item');
  });

  it('non-strict keeps them as ANY (top-level $date literal → Date, nested kept)', () => {
    const item = decodeItem(
      loose,
      { nickname: 'x', zero: 0, when: { $date: '2026-01-01T00:00:00Z' }, deep: { a: { $date: 'x' } }, gone: null },
      'i',
    );
    expect(item.nickname).toBe('x');
    expect(item.zero).toBe(0);
    expect(item.when).toBeInstanceOf(Date);
    expect(item.deep).toEqual({ a: { $date: 'x' } });
    expect(item.gone).toBeNull();
  });

  it('system fields are accepted even when the collection does not declare them', () => {
    const bare = { fields: [] as Field[] };
    const item = decodeItem(bare, { _id: 'a', _owner: 'o', _createdDate: { $date: '2026-01-01T00:00:00Z' } }, 'i');
    expect(item._createdDate).toBeInstanceOf(Date);
    expect(item._owner).toBe('o');
  });
});

describe('item size (docs/semantics.md §10)', () => {
  it('accepts 500 KB and refuses more', () => {
    const overhead = JSON.stringify({ text: '' }).length;
    const atLimit = { text: 'a'.repeat(MAX_ITEM_BYTES - overhead) };
    expect(decodeItem(strict, atLimit, 'i').text).toHaveLength(MAX_ITEM_BYTES - overhead);
    const violation = expectViolation(
      () => decodeItem(strict, { text: 'a'.repeat(MAX_ITEM_BYTES) }, 'items[9]'),
      'items[9]',
    );
    expect(violation.message).toContain('500 KB');
  });

  it('counts UTF-8 bytes, not characters', () => {
    // 200 000 × "é" = 400 000 bytes (under 500 KB); 200 000 × "€" = 600 000 bytes (over).
    decodeItem(strict, { text: 'é'.repeat(200_000) }, 'i');
    expectViolation(() => decodeItem(strict, { text: '€'.repeat(200_000) }, 'items[0]'), 'items[0]');
  });
});

describe('the one null rule (SEMANTICS.md rule 39)', () => {
  const withRef = { fields: [...fields, { key: 'friends', type: 'MULTI_REFERENCE' as const }] };

  it('answers every declared field of a strict collection, null when the item has no value', () => {
    const out = encodeItem(withRef, { text: 'a', number: 0 });
    for (const field of fields) expect(Object.hasOwn(out, field.key)).toBe(field.type !== 'MULTI_REFERENCE');
    expect(out.text).toBe('a');
    expect(out.number).toBe(0);
    expect(out.boolean).toBeNull();
  });

  it('never fills a MULTI_REFERENCE field (the relation is not an item value)', () => {
    expect('friends' in encodeItem(withRef, { text: 'a' })).toBe(false);
  });

  it('limits the filled fields to the projection', () => {
    expect(encodeItem(strict, { text: 'a' }, ['text', 'number'])).toEqual({ text: 'a', number: null });
    expect(answerKeys(withRef, ['friends', 'text'])).toEqual(['text']);
  });

  it('answers a non-strict collection as stored', () => {
    expect(encodeItem(loose, { text: 'a' })).toEqual({ text: 'a' });
  });
});

describe('encodeItem / encodeValue', () => {
  it('encodes a Date in any field, at any depth, with ms and Z', () => {
    const when = new Date('2026-06-03T07:15:00Z');
    expect(encodeItem(loose, { text: when, object: { at: when, list: [when, 1] } })).toEqual({
      text: { $date: '2026-06-03T07:15:00.000Z' },
      object: { at: { $date: '2026-06-03T07:15:00.000Z' }, list: [{ $date: '2026-06-03T07:15:00.000Z' }, 1] },
    });
  });

  it('wraps a DATETIME that a storage returned as an ISO string', () => {
    expect(encodeItem(loose, { datetime: '2026-06-03T07:15:00Z', text: '2026-06-03T07:15:00Z' })).toEqual({
      datetime: { $date: '2026-06-03T07:15:00.000Z' },
      text: '2026-06-03T07:15:00Z',
    });
  });

  it('drops undefined keys and returns untouched values by reference', () => {
    const object = { a: 1, b: [1, 2] };
    const out = encodeItem(loose, { object, gone: undefined } as never);
    expect(out).toEqual({ object });
    expect(out.object).toBe(object);
    expect('gone' in out).toBe(false);
  });

  it('encodeValue handles scalars, arrays and rows', () => {
    const when = new Date('2026-01-01T00:00:00.000Z');
    expect(encodeValue(when)).toEqual({ $date: '2026-01-01T00:00:00.000Z' });
    expect(encodeValue(['a', when])).toEqual(['a', { $date: '2026-01-01T00:00:00.000Z' }]);
    expect(encodeValue({ family: 'x', latest: when })).toEqual({
      family: 'x',
      latest: { $date: '2026-01-01T00:00:00.000Z' },
    });
    for (const scalar of [0, false, '', null, 'x', 1.5]) expect(encodeValue(scalar)).toBe(scalar);
  });
});
