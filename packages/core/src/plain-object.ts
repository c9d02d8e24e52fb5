/**
 * "Is this a key → value object?" — the one test every parser, validator and
 * codec of the core asks of a value it has not typed yet.
 */
import type { Value } from './query/ast.ts';

/** An object read from JSON (or any unknown input): key → anything, not to be written to. */
export type JsonObject = { readonly [key: string]: unknown };

/**
 * A non-null object that is not an array: what JSON calls an object. Arrays
 * are excluded because `typeof [] === 'object'` too, and a list where an
 * object is expected is a wrong shape, not an object with keys "0", "1", ….
 */
export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object in the sense of an internal `Value` (query/ast.ts): not an array
 * (see isPlainObject) and not a `Date`, because a `Date` is an instant — a
 * scalar, like the `{"$date": …}` it decodes from — not an object with fields.
 * Applied to a `Value` it narrows to that value's object form; applied to
 * unknown (wire) input it tells whether the input could be one.
 */
export function isObjectValue(value: Value | undefined): value is { readonly [key: string]: Value };
export function isObjectValue(value: unknown): value is JsonObject;
export function isObjectValue(value: unknown): value is JsonObject {
  return isPlainObject(value) && !(value instanceof Date);
}
