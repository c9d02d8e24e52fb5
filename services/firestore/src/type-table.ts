/**
 * TYPES.md of this service, rendered from the code that decides it: each
 * Firestore value type is decoded by `fromFirestoreValue` and typed by the
 * schema's `inferType`, and the operators and sorts are what the storage
 * declares (capabilities.ts). test/types-doc.test.ts keeps the
 * committed file equal to this.
 */
import { FIELD_TYPES, type FieldType, markdownTable, type Value } from '@adaptors/core';
import { Firestore, GeoPoint, Timestamp } from '@google-cloud/firestore';
import { firestoreCapabilities } from './capabilities.ts';
import { inferType } from './schema.ts';
import { fromFirestoreValue, toDocumentData } from './values.ts';

/** One example of each Firestore value type, as the client (with `useBigInt`) hands it out. */
function samples(): readonly { readonly label: string; readonly value: unknown }[] {
  // An offline client: only to build a DocumentReference, it never connects.
  const offline = new Firestore({ projectId: 'types-doc' });
  return [
    { label: 'string', value: 'text' },
    { label: 'integer within ±(2^53−1)', value: 42n },
    { label: 'integer beyond ±(2^53−1) (int64, e.g. 9007199254740993)', value: 9007199254740993n },
    { label: 'double', value: 0.1 + 0.2 },
    { label: 'boolean', value: true },
    { label: 'timestamp', value: Timestamp.fromMillis(0) },
    { label: 'map', value: { a: 1n } },
    { label: 'array', value: ['a', 1n] },
    { label: 'bytes', value: Buffer.from('hi') },
    { label: 'reference', value: offline.doc('c/d') },
    { label: 'geo point', value: new GeoPoint(1, 2) },
  ];
}

function answered(value: Value): string {
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return 'array (elements as in this table)';
  if (value !== null && typeof value === 'object') return `object (${Object.keys(value).join(', ')} …)`;
  return `${typeof value}: ${JSON.stringify(value)}`;
}

export function firestoreTypeTable(): string {
  const caps = firestoreCapabilities({ supportsIndexes: false });
  const ops = (type: FieldType) => {
    const c = caps.fieldCapabilities({ key: 'field', type });
    return [c.queryOperators.length > 0 ? c.queryOperators.join(' ') : 'none', c.sortable ? 'yes' : 'no'];
  };
  const existing = samples().map(({ label, value }) => {
    const decoded = fromFirestoreValue(value);
    const fieldType = inferType(decoded);
    return [label, fieldType, answered(decoded), ...ops(fieldType)];
  });
  const written = FIELD_TYPES.map((type) => {
    const example = EXAMPLES[type];
    const stored = example === undefined ? 'pairs in `_wix_references`' : storedAs(toDocumentData({ v: example }).v);
    return [type, stored, ...ops(type)];
  });
  return [
    '# Firestore ⇄ Wix types',
    '',
    '<!-- Generated from the code by `UPDATE_TYPES_DOCS=1 pnpm exec vitest run test/types-doc.test.ts` (in services/firestore); a test fails when this file differs. Do not edit by hand. -->',
    '',
    '## Values of existing documents',
    '',
    "How each Firestore value type of a collection without a metadata document is answered and which Wix type a field gets when the sampled documents (`FIRESTORE_INFER_SAMPLE`) hold only that type (mixed types → ANY); the operators and sorts Wix may use on a field of that type (anything else is refused with a 400). Such a collection is writable only when its documents carry `_createdDate`, `_updatedDate` and `_owner` (Wix's read-write rule) as timestamps and a string: the system fields are typed like the others, so a `_createdDate` holding a string in one document is ANY (answered as stored, never a text under a DATETIME field) and the collection read-only.",
    '',
    markdownTable(['Firestore value', 'Wix field type', 'Answered as', 'Operators', 'Sortable'], existing),
    '',
    'Integers are never rounded: the client hands every integerValue out exactly (`useBigInt`), an integer a double holds exactly is answered as a number, and one beyond ±(2^53−1) (int64 ids written by other programs) as its exact decimal text, so such a field is TEXT. `$eq`/`$in` with that text find the stored integer (the query looks for the text and the integer); updating an item writes an int64 text back as an integer where the document held an integer. Ranges, sorts, cursors and min/max compare such a stored integer as the integer it is (src/integers.ts), while a string that only looks like one stays text: numbers and these integers in numeric order before other strings; `$gt`/`$gte`/`$lt`/`$lte` with a decimal text operand (`"100"`, `"9007199254740992"`) compare them by number (strings still as text), a number operand matches them by number too, and a non-decimal text operand never matches them. Firestore is asked for such a range as a string range OR an integer range on the field, and the adaptor narrows the answer. Distinct values of such a field come in text order.',
    '',
    'Timestamps hold nanoseconds, Wix dates milliseconds: a timestamp (at any depth) is answered truncated to its millisecond, never later than the stored instant (600 µs past a second is `.000Z`), as the Spanner and BigQuery adaptors answer theirs.',
    '',
    "Updating an item (a full replacement) keeps the owner's Firestore types: wherever the item sent holds, at any depth, exactly what the stored value there is answered as, the stored value is written back unchanged — a GeoPoint, a reference, bytes, a Timestamp with digits below the millisecond, an int64 — and `_createdDate` is kept as stored, whatever its type. So an item Wix read and sends back with one field changed leaves every other field as the other program wrote it. A value that changed is written as given: a string stays a string (a changed path or base64 text does not become a reference or bytes), an object a map; a double holding a whole number is the one exception, written back as an integer (the client writes every whole number as one).",
    '',
    "A top-level key no Wix field can have — starting with `$` (an operator to Wix) or holding a dot (a path to Wix) — is neither listed as a field nor answered, so the listed fields can be saved (collections/update), filtered on and sent back in an item; updating the item keeps such a key as stored. Keys inside a map value are part of that value and answered with it. A data field named `_id` (another program's id kept beside the document id, e.g. a MongoDB id) is not answered either — the item's `_id` is the document id, so filters on `_id` find document ids — and updating the item keeps it as stored.",
    '',
    'Bytes and references are answered as text (base64, the document path), and filters treat them as that text: `$eq` on such a field (or an element of an array, a value in a map) also asks Firestore for the bytes that text is the canonical base64 of and the document of this database it is the path of, so `{"bytes": "AP9oaQ=="}` finds the bytes `$startsWith` finds; `$ne`, `$in`, `$hasSome`, ranges and the text operators are evaluated by the adaptor on the answered text. This holds where the field\'s type is inferred (no metadata document); once a collection has one, a declared TEXT field is trusted to hold strings (README.md "Capabilities and limits") and its equality asks for strings only.',
    '',
    '## Values the adaptor writes',
    '',
    'Collections with a metadata document: the core checks every written value against the declared type (a value of another type fails its item with a VALIDATION_ERROR naming the field), then it is stored as:',
    '',
    markdownTable(['Wix field type', 'Stored as', 'Operators', 'Sortable'], written),
    '',
    'An array directly inside an array is stored as the map `{"$wixArray": [...]}` (Firestore cannot nest arrays) and read back as an array. A `{"$date": "YYYY-MM-DDTHH:mm:ss.sssZ"}` inside an object or array value, in exactly the text reads answer a nested Timestamp as, is stored as a Timestamp (Wix decodes only a top-level one into a date), so it reads back the same and other programs see a timestamp; a `$date` map in any other form is stored as the map it is. Which conjuncts, sorts and pages one Firestore query answers and which are evaluated on streamed documents: README.md "Reads".',
    '',
  ].join('\n');
}

/** A typical value per Wix type (the core's internal form), to show how it is stored. */
const EXAMPLES: Readonly<Record<FieldType, Value | undefined>> = {
  TEXT: 'text',
  NUMBER: 2.5,
  DATE: '2024-05-01',
  DATETIME: new Date(0),
  IMAGE: 'wix:image://…',
  BOOLEAN: true,
  DOCUMENT: 'wix:document://…',
  URL: 'https://…',
  RICH_TEXT: '<p>…</p>',
  VIDEO: 'wix:video://…',
  ANY: { a: 1 },
  ARRAY_STRING: ['a'],
  ARRAY_DOCUMENT: [{ a: 1 }],
  AUDIO: 'wix:audio://…',
  TIME: '16:45',
  LANGUAGE: 'en',
  RICH_CONTENT: { nodes: [] },
  MEDIA_GALLERY: [{ src: '…' }],
  ADDRESS: { formatted: '…' },
  REFERENCE: 'item-id',
  MULTI_REFERENCE: undefined,
  OBJECT: { a: 1 },
  ARRAY: [1, 'a'],
};

function storedAs(value: unknown): string {
  if (value instanceof Date) return 'timestamp';
  if (Array.isArray(value)) return 'array';
  if (value !== null && typeof value === 'object') return 'map';
  if (typeof value === 'number') return 'double, or integer when whole (the client’s choice for a whole number)';
  return typeof value;
}
