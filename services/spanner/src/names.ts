/**
 * Which Wix names can name Spanner objects (Spanner "Naming rules"): the
 * googlesql quote function's rule (letters, digits, underscores, at most 128),
 * plus what applies to tables only, and that Spanner compares names ignoring case. Refused
 * with a message, never mangled.
 */
import { type Collection, errors, type Field, reservedReferenceProblems } from '@adaptors/core';
import { spanner } from '@adaptors/googlesql';
import { INTERNAL_PREFIX } from './ddl.ts';

export type FieldProblem = { fieldKey: string; message: string };

export function checkCollectionId(id: string): void {
  const problem =
    identifierProblem(id) ??
    // Spanner table names (unlike column names) must start with a letter.
    (/^[A-Za-z]/.test(id) ? undefined : 'must start with a letter to name a Spanner table') ??
    (isReservedTableName(id)
      ? `must not start with ${INTERNAL_PREFIX} (reserved for the adaptor's own tables)`
      : undefined);
  if (problem) throw errors.violation('collection.id', id, `collection id ${problem}`);
}

/**
 * A name of the adaptor's own tables: never a collection id, never a reference target
 * (checkDefinition). Spanner names ignore case: WIX_ADAPTOR_REFERENCES is the adaptor's references table.
 */
export function isReservedTableName(id: string): boolean {
  return id.toLowerCase().startsWith(INTERNAL_PREFIX);
}

/** Spanner's longest table and column name (Spanner "Naming rules"), declared to the core as a limit. */
export const SPANNER_NAME_LENGTH = 128;

/**
 * The one name check of a create or update definition: the id names a table,
 * every key a column. Runs before any DDL is planned, so a bad key is a 400
 * for create and update alike (never a quoting error while planning).
 */
export function checkDefinition(collection: Collection): void {
  checkCollectionId(collection.id);
  const problems = [
    ...collection.fields.flatMap(keyProblems),
    ...caseClashes(collection.fields),
    ...reservedReferenceProblems(collection.fields, isReservedTableName),
  ];
  if (problems.length > 0) throw errors.collectionChangeNotSupported(collection.id, problems);
}

/**
 * Keys that name one column: Spanner column names ignore case ("Duplicate column name" for
 * `Name` beside `name`), so both are named up front. MULTI_REFERENCE fields have no column.
 */
function caseClashes(fields: readonly Field[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const seen = new Map<string, string>();
  for (const field of fields) {
    if (field.type === 'MULTI_REFERENCE') continue;
    const lower = field.key.toLowerCase();
    const first = seen.get(lower);
    if (first !== undefined && first !== field.key) {
      problems.push({
        fieldKey: field.key,
        message: `Spanner column names ignore case: '${field.key}' clashes with '${first}'; rename one of them`,
      });
    } else seen.set(lower, field.key);
  }
  return problems;
}

export function keyProblems(field: Field): FieldProblem[] {
  const problem = identifierProblem(field.key);
  return problem ? [{ fieldKey: field.key, message: `field key ${problem}` }] : [];
}

/** Spanner names: letters, digits and underscores, at most 128 characters (the googlesql quote function's rule). */
function identifierProblem(name: string): string | undefined {
  try {
    spanner.quote(name);
    return undefined;
  } catch {
    return 'must be letters, digits and underscores (at most 128, not starting with a digit) to name a Spanner column or table';
  }
}
