/**
 * Wix's read-write rule for collections the adaptor did not create: a table is
 * read-write only when it has all four system fields — `_id`, `_createdDate`,
 * `_updatedDate` and `_owner` — with types Wix can use; otherwise it is
 * read-only (Wix's external-database documentation; docs and decision in
 * packages/core/README.md "Existing tables").
 *
 * Storages describe what the table has (each column as the Wix field type it
 * would be read as) and what the engine itself forbids (a view, a primary key
 * that is not `_id`); this one function decides, so the rule and its message
 * are the same on every engine.
 */
import type { FieldType } from './model.ts';
import { SYSTEM_FIELDS } from './model.ts';

export interface ReadWriteVerdict {
  readonly writable: boolean;
  /** System fields the table lacks. When the table is otherwise fine, collections/update adding them makes it writable. */
  readonly missing: readonly string[];
  /** Only system fields are missing: collections/update (which always sends them) makes the table writable. */
  readonly fixableByUpdate: boolean;
  /** For the site owner: what is wrong and how to fix it. Absent when writable. */
  readonly reason?: string;
}

/** The column type an engine would add for each system field, for the hint in the reason. */
export type SystemColumnTypes = Readonly<Record<'_id' | '_createdDate' | '_updatedDate' | '_owner', string>>;

/**
 * @param types   each column of the table → the Wix field type it is read as (undefined: not usable)
 * @param blocker what the engine forbids whatever the columns (a view, a primary key other than `_id`),
 *                phrased to follow "it is read-only because"
 * @param columnTypes the engine's column type per system field, for the hint
 */
export function readWriteRule(
  types: ReadonlyMap<string, FieldType | undefined>,
  blocker: string | undefined,
  columnTypes: SystemColumnTypes,
): ReadWriteVerdict {
  const missing: string[] = [];
  const wrong: string[] = [];
  for (const field of SYSTEM_FIELDS) {
    if (!types.has(field.key)) missing.push(field.key);
    else if (types.get(field.key) !== field.type) {
      wrong.push(`${field.key} must be ${columnTypes[field.key as keyof SystemColumnTypes]}`);
    }
  }
  if (!blocker && missing.length === 0 && wrong.length === 0)
    return { writable: true, missing, fixableByUpdate: false };
  // collections/update can add columns, but not give existing rows an id: a missing _id is the owner's to add.
  const fixableByUpdate = !blocker && wrong.length === 0 && !missing.includes('_id');
  const parts: string[] = [];
  if (blocker) parts.push(blocker);
  if (wrong.length > 0) parts.push(`its system columns have other types (${wrong.join(', ')})`);
  if (missing.length > 0) {
    const add = missing.map((key) => `${key} ${columnTypes[key as keyof SystemColumnTypes]}`).join(', ');
    const how = fixableByUpdate
      ? ` — add ${missing.length === 1 ? 'it' : 'them'} (${add}) in the database, or save the collection's fields once in the Wix CMS (collections/update adds them)`
      : blocker || wrong.length > 0
        ? ''
        : ` — add ${missing.length === 1 ? 'it' : 'them'} in the database (${add}; _id must hold a unique text id for every existing row)`;
    parts.push(`it lacks ${missing.join(', ')}${how}`);
  }
  return {
    writable: false,
    missing,
    fixableByUpdate,
    reason: `read-only: a collection is writable only with _id, _createdDate, _updatedDate and _owner, and ${parts.join('; ')}`,
  };
}
