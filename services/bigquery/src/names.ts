/**
 * Which Wix names can name BigQuery objects ("Column names", "Table naming"):
 * refused with a message, never mangled. Column names: letters, digits and
 * underscores, starting with a letter or underscore, at most 300 characters,
 * not starting with a reserved prefix, unique ignoring case. Table names:
 * Unicode letters, marks, digits, `_` and `-` (spaces are legal in BigQuery
 * but not in Wix ids we create), at most 1,024 bytes.
 */
import { errors, type Field, reservedReferenceProblems } from '@adaptors/core';
import { bigquery } from '@adaptors/googlesql';
import { INTERNAL_PREFIX } from '@adaptors/sql-storage';

export type FieldProblem = { fieldKey: string; message: string };

const COLUMN = /^[A-Za-z_][A-Za-z0-9_]{0,299}$/;
const RESERVED_COLUMN_PREFIXES = ['_TABLE_', '_FILE_', '_PARTITION', '_ROW_TIMESTAMP', '__ROOT__', '_COLIDENTIFIER'];
const TABLE = /^[\p{L}\p{M}\p{N}_-]+$/u;

export function checkCollectionId(id: string): void {
  let problem: string | undefined;
  if (!TABLE.test(id) || Buffer.byteLength(id) > 1024) {
    problem = 'must be letters, digits, underscores or dashes (at most 1,024 bytes) to name a BigQuery table';
  } else if (isReservedTableName(id)) {
    problem = `must not start with ${INTERNAL_PREFIX} (reserved for the adaptor's own tables)`;
  } else {
    try {
      bigquery.quote(id);
    } catch (e) {
      problem = (e as Error).message;
    }
  }
  if (problem) throw errors.violation('collection.id', id, `collection id ${problem}`);
}

/** A name of the adaptor's own tables: never a collection id, never a reference target (keyProblems). */
export function isReservedTableName(id: string): boolean {
  return id.startsWith(INTERNAL_PREFIX);
}

/** Per-field problems of a desired field list (names only; types are checked by the schema store). */
export function keyProblems(fields: readonly Field[]): FieldProblem[] {
  const problems: FieldProblem[] = reservedReferenceProblems(fields, isReservedTableName);
  const seen = new Map<string, string>();
  for (const field of fields) {
    if (field.type === 'MULTI_REFERENCE') continue; // no column
    const upper = field.key.toUpperCase();
    if (!COLUMN.test(field.key)) {
      problems.push({
        fieldKey: field.key,
        message:
          'field key must be letters, digits and underscores, starting with a letter or underscore (at most 300) to name a BigQuery column',
      });
    } else if (RESERVED_COLUMN_PREFIXES.some((p) => upper.startsWith(p))) {
      problems.push({ fieldKey: field.key, message: 'field key starts with a prefix BigQuery reserves' });
    } else if (seen.has(upper)) {
      problems.push({
        fieldKey: field.key,
        message: `BigQuery column names ignore case: '${field.key}' clashes with '${seen.get(upper)}'`,
      });
    }
    seen.set(upper, field.key);
  }
  return problems;
}
