/**
 * Input limits, decided once (packages/core/README.md "Input limits" has the
 * table and the reason for each value). The core enforces them in its
 * parsers and in request validation, with a 400 naming the path, before a
 * compiler or a database sees the request. A storage may only lower the
 * collection id and field key lengths (`StorageCapabilities.limits`), for
 * names its engine cannot hold.
 */
import type { Violation } from '../errors.ts';

export const LIMITS = Object.freeze({
  /** Nested `$and` / `$or` / `$not` levels in one filter. */
  filterDepth: 32,
  /** Conditions in one filter: every field condition and every `$and` / `$or` / `$not` counts one. */
  filterConditions: 1000,
  /** Values in one `$in` / `$nin` / `$hasSome` / `$hasAll` list. */
  listValues: 1000,
  /**
   * Characters of one `$matches` spec (its parts' values together): V8 refuses a regular
   * expression past ~32,000 characters (a 40,000-character literal answered 500 on the memory
   * and Firestore evaluators), and no real pattern comes near this.
   */
  matchesLength: 10_000,
  /**
   * Characters of one `$urlized` operand (its words together), for the same reason as
   * `matchesLength`: its words become one regular expression (a 40,000-character word answered
   * 500 on the memory and Firestore evaluators). A slug is a page title's words.
   */
  urlizedLength: 10_000,
  /** Words in one `$urlized` operand (4,000 words answered 500 like a long word): a title's words. */
  urlizedWords: 100,
  /** Largest `paging.offset`: Firestore's offset is a 32-bit integer. */
  maxOffset: 2_147_483_647,
  /** Objects and arrays nested in one item value: Firestore's maximum depth of maps and arrays. */
  valueDepth: 20,
  /** JSON nesting anywhere in a request: a 32-level filter with 20-level operands stays below it. */
  requestDepth: 100,
  /** Collection id length (docs/semantics.md §10). */
  collectionIdLength: 256,
  /** Field key length. */
  fieldKeyLength: 256,
  /** Item `_id` length: the `_id` column width of the reference adaptors (docs/semantics.md §7.3). */
  itemIdLength: 255,
  /** Earliest instant, 0001-01-01T00:00:00.000Z: the start of Spanner's and BigQuery's TIMESTAMP range. */
  earliestInstant: -62_135_596_800_000,
  /** Latest instant, 9999-12-31T23:59:59.999Z: the end of that range. */
  latestInstant: 253_402_300_799_999,
});

/** Lower bounds a storage declares for names its engine cannot hold (`StorageCapabilities.limits`). */
export interface EngineLimits {
  readonly collectionIdLength?: number;
  readonly fieldKeyLength?: number;
}

/** The id and key lengths in force for a storage: the core's, lowered by the engine's. */
export function nameLimits(engine: EngineLimits | undefined): Required<EngineLimits> {
  return {
    collectionIdLength: Math.min(LIMITS.collectionIdLength, engine?.collectionIdLength ?? Infinity),
    fieldKeyLength: Math.min(LIMITS.fieldKeyLength, engine?.fieldKeyLength ?? Infinity),
  };
}

/** True for an instant every engine can store (years 0001–9999, UTC). */
export function instantInRange(date: Date): boolean {
  const t = date.getTime();
  return t >= LIMITS.earliestInstant && t <= LIMITS.latestInstant;
}

export const INSTANT_RANGE_TEXT = 'between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59.999Z';

/**
 * Strings must be well-formed UTF-16 (no lone surrogate): a lone surrogate
 * cannot be encoded as UTF-8, so a database either refuses it or silently
 * stores U+FFFD instead.
 */
export const MALFORMED_TEXT =
  'text must be valid Unicode: it contains a lone surrogate (half of a \\uD800–\\uDFFF pair), which no database can store';
const MALFORMED_KEY =
  'keys must be valid Unicode: this one contains a lone surrogate (half of a \\uD800–\\uDFFF pair), which no database can store';

interface Frame {
  readonly value: unknown;
  readonly depth: number;
  readonly parent: Frame | undefined;
  /** `.key` or `[i]`, appended to the parent's path. */
  readonly step: string;
}

function pathOf(base: string, frame: Frame): string {
  const steps: string[] = [];
  for (let f: Frame | undefined = frame; f; f = f.parent) steps.push(f.step);
  const tail = steps.reverse().join('');
  if (base === '') return tail.startsWith('.') ? tail.slice(1) : tail;
  return `${base}${tail}`;
}

/** Paths end up in JSON answers and logs: a malformed key is shown with U+FFFD. */
function keyStep(key: string): string {
  return `.${key.toWellFormed()}`;
}

export interface WalkOptions {
  /** Containers allowed below the value (the value itself, if an object or array, is level 1). */
  readonly maxDepth: number;
  /** The message when a value nests deeper than `maxDepth`. */
  readonly depthMessage: string;
  /** Item values: refuse non-finite numbers (JSON's 1e309 parses as Infinity) and `__proto__` keys. */
  readonly itemValue?: boolean;
  /** Keys (at the top level only) not to walk into, e.g. `items` of an insert, which the codec checks per item. */
  readonly skipTopKeys?: ReadonlySet<string>;
}

/**
 * Checks every string, key and nesting level of a JSON value without
 * recursion (a hostile body may nest millions of levels): depth, well-formed
 * strings and keys, and for item values finite numbers and no `__proto__`.
 * Pushes one violation per problem (at most `max`) and never descends below
 * the depth limit.
 */
export function checkJson(value: unknown, path: string, options: WalkOptions, out: Violation[], max = 20): void {
  const stack: Frame[] = [{ value, depth: 0, parent: undefined, step: '' }];
  const push = (frame: Frame, rejected: string, message: string) => {
    out.push({ fieldPath: pathOf(path, frame), rejectedValue: rejected, message });
  };
  const start = out.length;
  while (stack.length > 0 && out.length - start < max) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    if (typeof v === 'string') {
      if (!v.isWellFormed()) push(frame, v.toWellFormed().slice(0, 80), MALFORMED_TEXT);
      continue;
    }
    if (typeof v === 'number') {
      if (options.itemValue && !Number.isFinite(v)) {
        push(frame, String(v), 'numbers must be finite (a JSON number like 1e309 is beyond the range of a double)');
      }
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const depth = frame.depth + 1;
    if (depth > options.maxDepth) {
      push(frame, Array.isArray(v) ? 'an array' : 'an object', options.depthMessage);
      continue;
    }
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: frame, step: `[${i}]` });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string;
      if (frame.depth === 0 && options.skipTopKeys?.has(key)) continue;
      const child: Frame = { value: (v as Record<string, unknown>)[key], depth, parent: frame, step: keyStep(key) };
      if (!key.isWellFormed()) {
        push(child, key.toWellFormed(), MALFORMED_KEY);
        continue;
      }
      if (options.itemValue && key === '__proto__') {
        // A JS object cannot hold it as a plain key: it would be dropped when stored.
        push(child, key, '"__proto__" cannot be used as a key');
        continue;
      }
      stack.push(child);
    }
  }
}
