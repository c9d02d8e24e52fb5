/**
 * Two instances changing one collection must not silently undo each other
 * (packages/core/SCALING.md). A collections/update sends the full field list, so one planned by
 * a caller who read the collection before another instance added a field would remove that field
 * (its values with it) and answer 200. Each storage decides an update on the definition as stored
 * now; these are the refusals it makes when that differs from what it served a moment ago.
 */
import { errors, type SpiError } from './errors.ts';

interface Fields {
  readonly fields: readonly { readonly key: string }[];
}

/**
 * `known` is the collection as this instance served it until the update re-read the schema (its
 * cache, at most SCHEMA_CHECK_MS old while it serves), `current` as re-read: a field the update
 * leaves out that `known` did not have was added a moment ago, and the caller cannot have meant
 * to remove it. Refused naming each such field.
 */
export function refuseRemovingUnseenFields(
  update: Fields & { readonly id: string },
  known: Fields | undefined,
  current: Fields,
): void {
  if (!known) return;
  const wanted = new Set(update.fields.map((f) => f.key));
  const seen = new Set(known.fields.map((f) => f.key));
  const unseen = current.fields.map((f) => f.key).filter((key) => !wanted.has(key) && !seen.has(key));
  if (unseen.length > 0) throw fieldsChangedMeanwhile(update.id, unseen, 'added');
}

/**
 * Another instance changed the collection while this update was planned: refused before it
 * writes, each field named, with what to do (the change can be sent again once read again).
 */
export function fieldsChangedMeanwhile(
  collectionId: string,
  keys: readonly string[],
  how: 'added' | 'changed',
): SpiError {
  return errors.collectionChangeNotSupported(
    collectionId,
    keys.map((key) => ({
      fieldKey: key,
      message:
        how === 'added'
          ? `another instance added ${key} to this collection a moment ago and this change, which does not list it, would remove it; read the collection again and repeat your change`
          : `another instance changed ${key} while this change was planned; read the collection again and repeat your change`,
    })),
  );
}
