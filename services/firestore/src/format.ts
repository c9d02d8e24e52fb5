/**
 * The storage format of documents the adaptor writes (README.md "Storage
 * format"), so Firestore's own indexes can answer what Wix asks:
 *
 * - Every declared field is on every document, `null` when the item has no
 *   value: Firestore's `orderBy` and `== null` then see every document, so
 *   sorts, offsets, cursors, `$eq: null` and `$exists: false` push down with
 *   Wix's order (null first ascending: docs/semantics.md §2). Null and absent
 *   are one class in a strict collection (packages/core/SEMANTICS.md rules 19
 *   and 39): both are answered `null`, so storing the null changes no answer.
 * - A reserved map `$wix` (item keys never start with `$`: wire/codec.ts) that
 *   is never answered: `lc.<field>` the case-folded text (foldCase, the
 *   evaluator's folding) cut to SHADOW_BYTES, for case-insensitive equality
 *   and prefixes; `tri.<field>.<trigram>: true` one key per distinct trigram of
 *   the folded text, for `$contains`/`$endsWith` narrowing by one equality;
 *   `long.<field>: true` when the text has too many trigrams to list (always a
 *   candidate then). The system ids `_id` and `_owner` have no trigrams, and
 *   `_id` no shadow (`hasTokens`); keys an earlier version wrote for them are
 *   never read, and a backfill rewrites them away. The same map holds keys of
 *   other modules, which a backfill leaves alone: the statistics' stamp and
 *   shard (stats.ts) and the token of the insert that created the document
 *   (writes.ts OPERATION_KEY).
 *
 * A collection's metadata document says which fields every document holds in
 * this format (`FormatMarker`); the planner uses the format only for those
 * fields and falls back to the bounded, exact path for the others.
 */
import {
  type Field,
  type FieldType,
  foldCase,
  type Item,
  STRING_FIELD_TYPES,
  type StoredCollection,
} from '@adaptors/core';
import { FORMAT_MAP_KEY, toDocumentData } from './values.ts';

/** The reserved top-level map; never part of an answered item (values.ts `toItem`). */
export const FORMAT_KEY = FORMAT_MAP_KEY;

/** Version of this format; a marker of another version is not trusted. */
export const FORMAT_VERSION = 1;

/**
 * Bytes of folded text kept in `lc`: Firestore indexes only the first 1,500
 * bytes of a string ("Limits"), so a longer shadow would make range and
 * equality answers inexact. A cut shadow is longer than SHADOW_BYTES - 4
 * bytes, so an operand of at most SHADOW_EXACT_BYTES never equals one.
 */
export const SHADOW_BYTES = 1000;
export const SHADOW_EXACT_BYTES = SHADOW_BYTES - 4;

/**
 * Trigrams listed per document at most; a text past it is flagged `long` instead, and `$contains`
 * stays exact (the evaluator checks every `long` candidate). Each trigram is a map key, so a field
 * with its own index entries (Firestore allows 20,000 fields and 40,000 index entries per document,
 * "Quotas and limits"), and a write's latency grows with its index entries ("Best practices: avoid
 * indexing fields you don't need"). 4,000 made a document of ~4 KB of ordinary text ~4,000 keys:
 * a 0.5 MB insert of 100 such items was 400,000 map keys to build, encode and index, past a 5 s
 * deadline on the emulator (and, built at once, past a 160 MB heap). 1,000 keeps texts up to about
 * a thousand characters (titles, descriptions, the common `$contains` targets) narrowed by their
 * trigrams and bounds what a bulk write of longer texts costs.
 */
export const MAX_TRIGRAMS_PER_DOCUMENT = 1000;

/** Field types stored as strings: they get an `lc` shadow. */
const STRING_TYPES: ReadonlySet<FieldType> = new Set([...STRING_FIELD_TYPES, 'REFERENCE']);
/** String types where `$contains` is common enough to index trigrams. */
const TOKEN_TYPES: ReadonlySet<FieldType> = new Set(['TEXT', 'RICH_TEXT', 'URL']);

export function hasShadow(type: FieldType | undefined): boolean {
  return type !== undefined && STRING_TYPES.has(type);
}

/**
 * System ids are matched whole, never searched inside: no trigrams for them.
 * An owner id alone has 34, about twice a typical title, and each is a field
 * the client encodes and Firestore indexes (most of the write cost: README.md
 * "Storage format", Cost). The item id has no shadow either: the planner
 * answers it by the document name (planner.ts `kindOf`).
 */
const ID_FIELDS: ReadonlySet<string> = new Set(['_id', '_owner']);

export function hasTokens(key: string, type: FieldType | undefined): boolean {
  return type !== undefined && TOKEN_TYPES.has(type) && !ID_FIELDS.has(key);
}

/** Which declared fields every document of a collection holds in this format. */
export interface FormatMarker {
  readonly version: number;
  /** Field keys present on every document (null when empty), with shadows and trigrams for string fields. */
  readonly complete: readonly string[];
}

export function parseMarker(raw: unknown): FormatMarker | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed = JSON.parse(raw) as { version?: unknown; complete?: unknown };
    if (parsed.version !== FORMAT_VERSION || !Array.isArray(parsed.complete)) return undefined;
    return { version: FORMAT_VERSION, complete: parsed.complete.filter((k): k is string => typeof k === 'string') };
  } catch {
    return undefined;
  }
}

export function serializeMarker(marker: FormatMarker): string {
  return JSON.stringify({ version: marker.version, complete: [...marker.complete].sort() });
}

/** Fields the format covers: declared ones that hold item values (MULTI_REFERENCE pairs live elsewhere). */
export function formattedFields(fields: readonly Field[]): Field[] {
  return fields.filter((f) => f.type !== 'MULTI_REFERENCE');
}

/** Fields of `collection` still missing from the format (what a backfill adds). */
export function pendingFields(collection: StoredCollection, marker: FormatMarker | undefined): string[] {
  const complete = new Set(marker?.complete ?? []);
  return formattedFields(collection.fields)
    .map((f) => f.key)
    .filter((k) => k !== '_id' && !complete.has(k));
}

// Markers travel with the frozen definition object the core hands back to the storage.
const markers = new WeakMap<StoredCollection, FormatMarker>();

export function attachMarker(collection: StoredCollection, marker: FormatMarker | undefined): StoredCollection {
  if (marker) markers.set(collection, marker);
  return collection;
}

/** Field keys the planner may rely on the format for (empty: unformatted or not a strict collection). */
export function completeFields(collection: StoredCollection): ReadonlySet<string> {
  const marker = markers.get(collection);
  if (!marker || collection.strict === false) return EMPTY;
  const declared = new Set(formattedFields(collection.fields).map((f) => f.key));
  return new Set(marker.complete.filter((k) => declared.has(k)));
}

export function markerOf(collection: StoredCollection): FormatMarker | undefined {
  return markers.get(collection);
}

const EMPTY: ReadonlySet<string> = new Set();

/**
 * The folded text kept in `lc`: foldCase, cut at a code point so it fits
 * SHADOW_BYTES. A cut shadow is joined from its characters into a string of
 * its own: built by `+=` it was a chain of V8 cons strings (~32 bytes per
 * character past the 13th), and as a slice it would keep the whole folded
 * text alive; either way a bulk insert held several times its texts until
 * it was written (three concurrent inserts of 1,000 items with 4 KB texts
 * ran out of heap: packages/bench/RESULTS.md).
 */
export function shadowOf(text: string): string {
  const folded = foldCase(text);
  if (Buffer.byteLength(folded, 'utf8') <= SHADOW_BYTES) return folded;
  const kept: string[] = [];
  let bytes = 0;
  for (const ch of folded) {
    const size = utf8Size(ch.codePointAt(0) as number);
    if (bytes + size > SHADOW_BYTES) break;
    bytes += size;
    kept.push(ch);
  }
  return kept.join('');
}

/** UTF-8 bytes of a code point (a lone surrogate is written as U+FFFD: 3 bytes, as Buffer.byteLength counts it). */
function utf8Size(codePoint: number): number {
  return codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4;
}

/** Distinct trigrams (three code points) of folded text. */
export function trigramsOf(folded: string): string[] {
  const points = [...folded];
  const out = new Set<string>();
  for (let i = 0; i + 3 <= points.length; i++) out.add(`${points[i]}${points[i + 1]}${points[i + 2]}`);
  return [...out];
}

type Data = { [key: string]: unknown };

/**
 * The `$wix` map of an item: shadows and trigrams of its string fields.
 * Built from the same values the document stores, so a backfill computes the
 * same map as a write.
 */
export function formatMapOf(item: Item, fields: readonly Field[]): Data {
  const lc: Data = {};
  const tri: Data = {};
  const long: Data = {};
  let budget = MAX_TRIGRAMS_PER_DOCUMENT;
  for (const field of fields) {
    const value = item[field.key];
    if (typeof value !== 'string' || !hasShadow(field.type) || field.key === '_id') continue;
    lc[field.key] = shadowOf(value);
    if (!hasTokens(field.key, field.type)) continue;
    const trigrams = trigramsOf(foldCase(value));
    if (trigrams.length > budget) {
      long[field.key] = true;
      continue;
    }
    budget -= trigrams.length;
    if (trigrams.length > 0) tri[field.key] = Object.fromEntries(trigrams.map((t) => [t, true]));
  }
  return { lc, tri, long };
}

/**
 * `data` with `entries` added to its `$wix` map (the map made when it has
 * none): the keys other modules keep there beside the format's own
 * (stats-write.ts its stamp and shard, writes.ts the insert's token).
 */
export function withFormatEntries(data: Data, entries: Data): Data {
  return { ...data, [FORMAT_KEY]: { ...((data[FORMAT_KEY] ?? {}) as Data), ...entries } };
}

/**
 * Document data in the storage format: every formatted field (null when the
 * item has none) plus the `$wix` map. Throws like `toDocumentData`.
 */
export function toFormattedData(item: Item, collection: Pick<StoredCollection, 'fields'>): Data {
  const { data, formatMap } = formattedDocument(item, collection);
  data[FORMAT_KEY] = formatMap();
  return data;
}

/** What a document adds to a commit, about: bytes (transactions.ts `approximateBytes`) and entries. */
export interface Weight {
  readonly bytes: number;
  /** Fields and map keys, nested ones included: each is written and indexed (an index entry or two). */
  readonly entries: number;
}

/**
 * `toFormattedData` in two steps, for bulk writes (transactions.ts): the item's own fields
 * (checked now: throws like `toDocumentData`), and its `$wix` map built only when asked — a
 * document of ordinary text carries thousands of trigram keys, so a bulk insert builds each
 * transaction's maps when it runs instead of all of them at once — with an upper bound of the
 * map's weight, counted without building it.
 */
export function formattedDocument(
  item: Item,
  collection: Pick<StoredCollection, 'fields'>,
): { data: Data; formatMap: () => Data; formatWeight: Weight } {
  const fields = formattedFields(collection.fields);
  const data = toDocumentData(item);
  for (const field of fields) {
    if (field.key !== '_id' && !Object.hasOwn(data, field.key)) data[field.key] = null;
  }
  return { data, formatMap: () => formatMapOf(item, fields), formatWeight: formatWeightOf(item, fields) };
}

/**
 * An upper bound of what `formatMapOf` makes of an item: per string field a shadow (at most
 * SHADOW_BYTES) and, with tokens, a trigram map or a `long` flag; the trigrams (at most one per
 * UTF-16 unit past the second) at most MAX_TRIGRAMS_PER_DOCUMENT, each a key of at most 6 units.
 */
export function formatWeightOf(item: Item, fields: readonly Field[]): Weight {
  let bytes = 3 * 8;
  let entries = 3;
  let trigrams = 0;
  for (const field of fields) {
    const value = item[field.key];
    if (typeof value !== 'string' || !hasShadow(field.type) || field.key === '_id') continue;
    entries += 1;
    bytes += field.key.length + 2 + Math.min(value.length * 3, SHADOW_BYTES);
    if (!hasTokens(field.key, field.type)) continue;
    entries += 1;
    bytes += field.key.length + 9;
    trigrams += Math.max(0, value.length - 2);
  }
  trigrams = Math.min(trigrams, MAX_TRIGRAMS_PER_DOCUMENT);
  return { bytes: bytes + trigrams * (6 + 1 + 8), entries: entries + trigrams };
}

/**
 * The smallest string greater than every string starting with `prefix` (code
 * point order = Firestore's UTF-8 byte order), or undefined when none exists.
 */
export function prefixUpperBound(prefix: string): string | undefined {
  const points = [...prefix].map((c) => c.codePointAt(0) as number);
  while (points.length > 0) {
    const last = (points.pop() as number) + 1;
    if (last > 0x10ffff) continue;
    points.push(last === 0xd800 ? 0xe000 : last);
    return String.fromCodePoint(...points);
  }
  return undefined;
}
