/**
 * A column's `defaultValueExpression` (GoogleSQL) as the DuckDB DEFAULT of its physical column
 * (catalog.ts), translated by the same expression translator as queries, so a literal keeps its
 * GoogleSQL meaning (`1` an INT64, `'a\n'` with its escape decoded) and CURRENT_TIMESTAMP(),
 * CURRENT_DATETIME(), CURRENT_DATE(), GENERATE_UUID() are evaluated at each insert, as BigQuery
 * evaluates them "when the data is written to the table".
 */
import type { Catalog } from '../catalog.ts';
import { invalid } from '../errors.ts';
import { duckColumnType, type FieldSchema } from '../schema.ts';
import { Emitter } from './emitter.ts';
import { expr } from './expr.ts';
import { parseStatements } from './index.ts';

/** DuckDB SQL of the field's default, cast to the column's type; undefined when it has none. */
export function defaultSql(catalog: Catalog, field: FieldSchema): string | undefined {
  const text = field.defaultValueExpression;
  if (text === undefined) return undefined;
  const refuse = (why: string) => invalid(`Invalid default value expression for field ${field.name}: ${why}`);
  const source = `SELECT ${text}`;
  let statements: ReturnType<typeof parseStatements>;
  try {
    statements = parseStatements(source);
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
  const [statement] = statements;
  const clause = statement?.type === 'select_stmt' ? statement.clauses[0] : undefined;
  const value = clause?.type === 'select_clause' ? clause.columns?.items[0] : undefined;
  if (
    statements.length !== 1 ||
    statement?.type !== 'select_stmt' ||
    statement.clauses.length !== 1 ||
    clause?.type !== 'select_clause' ||
    clause.columns?.items.length !== 1 ||
    value === undefined ||
    value.type === 'alias' ||
    value.type === 'all_columns'
  ) {
    throw refuse(text);
  }
  // BigQuery allows literals and a few functions only; a column or a subquery has no value at insert time.
  const reference = referenceIn(value);
  if (reference) throw refuse(`${reference} is not allowed in a default value`);
  const e = new Emitter({ projectId: '', defaultDataset: undefined, catalog, params: [], source });
  let sql: string;
  try {
    sql = expr(e, value);
  } catch (error) {
    throw refuse(error instanceof Error ? error.message : String(error));
  }
  return `CAST((${sql}) AS ${duckColumnType(field)})`;
}

/** The first column reference or subquery in an expression's CST (a function's own name is not one). */
function referenceIn(node: unknown, key?: string): string | undefined {
  if (typeof node !== 'object' || node === null) return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = referenceIn(item);
      if (found) return found;
    }
    return undefined;
  }
  const n = node as { type?: unknown; name?: unknown };
  // CURRENT_DATE, CURRENT_TIMESTAMP … may be written without parentheses (expr.ts): functions, not columns.
  const bare = n.type === 'identifier' && typeof n.name === 'string' && /^CURRENT_[A-Z]+$/i.test(n.name);
  if (key !== 'name' && !bare && (n.type === 'identifier' || n.type === 'member_expr'))
    return `column ${String(n.name ?? '')}`;
  if (n.type === 'select_stmt' || n.type === 'compound_select_stmt') return 'a subquery';
  for (const [k, v] of Object.entries(node)) {
    if (k === 'range') continue;
    const found = referenceIn(v, n.type === 'func_call' ? k : undefined);
    if (found) return found;
  }
  return undefined;
}
