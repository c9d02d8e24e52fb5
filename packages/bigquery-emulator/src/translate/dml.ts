/**
 * DML: INSERT, UPDATE, DELETE, MERGE, TRUNCATE TABLE. Each runs as one
 * atomic statement (BigQuery DML is atomic) and reports its affected rows.
 */
import type { Node } from 'sql-parser-cst';
import { describeParamType, type ParamType } from '../params.ts';
import { type FieldSchema, quoteDuck } from '../schema.ts';
import { type Emitter, pathOf, type ResolvedTable } from './emitter.ts';
import { expr, isSubquery } from './expr.ts';
import { query, tableExpr } from './query.ts';

export type DmlType = 'INSERT' | 'UPDATE' | 'DELETE' | 'MERGE' | 'TRUNCATE_TABLE';

export interface DmlPlan {
  readonly kind: 'dml';
  readonly statementType: DmlType;
  readonly sql: string;
  readonly target: ResolvedTable;
  /** Queries that must return no row, else the statement fails with `message` (run before it). */
  readonly checks: readonly { readonly sql: string; readonly message: string }[];
}

function targetOf(e: Emitter, n: Node): { table: ResolvedTable; alias: string } {
  let alias: string | undefined;
  let path = n;
  if (n.type === 'alias') {
    alias = n.alias.name;
    path = n.expr;
  }
  const parts = pathOf(path, e);
  const table = e.resolveTable(parts, path);
  return { table, alias: alias ?? table.implicitAlias };
}

function column(e: Emitter, t: ResolvedTable, name: string, n: Node): FieldSchema {
  const f = t.table.schema.find((c) => c.name.toLowerCase() === name.toLowerCase());
  if (!f) throw e.error(`Column ${name} is not present in table ${t.dataset.datasetId}.${t.table.tableId}`, n);
  return f;
}

const COERCIBLE: Readonly<Record<string, readonly string[]>> = {
  // GoogleSQL conversion rules, "Coercion": INT64 → NUMERIC, FLOAT64; NUMERIC → FLOAT64;
  // STRING parameters → DATE, DATETIME, TIME, TIMESTAMP.
  INTEGER: ['INTEGER', 'NUMERIC', 'BIGNUMERIC', 'FLOAT'],
  NUMERIC: ['NUMERIC', 'BIGNUMERIC', 'FLOAT'],
  BIGNUMERIC: ['BIGNUMERIC', 'FLOAT'],
  STRING: ['STRING', 'DATE', 'DATETIME', 'TIME', 'TIMESTAMP'],
};

function paramAssignable(p: ParamType, f: FieldSchema, asElement = false): boolean {
  if (!asElement && f.mode === 'REPEATED') return p.kind === 'array' && paramAssignable(p.element, f, true);
  if (p.kind === 'array') return false;
  if (p.kind === 'struct') {
    const fields = f.fields ?? [];
    return (
      f.type === 'RECORD' &&
      p.fields.length === fields.length &&
      p.fields.every((pf, i) => paramAssignable(pf.type, fields[i] as FieldSchema))
    );
  }
  if (f.type === 'RECORD') return false;
  return (COERCIBLE[p.type] ?? [p.type]).includes(f.type);
}

function fieldTypeText(f: FieldSchema): string {
  const names: Record<string, string> = { INTEGER: 'INT64', FLOAT: 'FLOAT64', BOOLEAN: 'BOOL', RECORD: 'STRUCT' };
  const t = names[f.type] ?? f.type;
  return f.mode === 'REPEATED' ? `ARRAY<${t}>` : t;
}

/**
 * A value written to a column. A parameter of a type that cannot be assigned
 * to the column is refused as BigQuery refuses it ("Value has type … which
 * cannot be inserted into column …"); DuckDB would cast it silently.
 */
function assigned(e: Emitter, value: Node, f: FieldSchema): string {
  if (value.type === 'parameter') {
    const p = e.param(value);
    if (!paramAssignable(p.type, f)) {
      throw e.error(
        `Value has type ${describeParamType(p.type)} which cannot be inserted into column ${f.name}, which has type ${fieldTypeText(f)}`,
        value,
      );
    }
    // Coercions DuckDB would get wrong: into BIGNUMERIC the value is scaled, out of it unscaled (bignumeric.ts).
    const from = p.type.kind === 'scalar' ? p.type.type : undefined;
    if (f.mode !== 'REPEATED' && f.type === 'BIGNUMERIC' && from !== 'BIGNUMERIC')
      return `bq_cast_bignumeric(${p.sql})`;
    if (f.mode !== 'REPEATED' && f.type === 'FLOAT' && from === 'BIGNUMERIC') return `bq_cast_float64(${p.sql})`;
    return p.sql;
  }
  if (value.type === 'default') return 'DEFAULT';
  return expr(e, value);
}

function whereOf(e: Emitter, clauses: readonly Node[], what: string, n: Node): string {
  const where = clauses.find((c) => c.type === 'where_clause');
  if (where?.type !== 'where_clause') throw e.error(`${what} must have a WHERE clause`, n);
  return expr(e, where.expr);
}

export function insert(e: Emitter, n: Node & { type: 'insert_stmt' }): DmlPlan {
  const clause = n.clauses.find((c) => c.type === 'insert_clause');
  if (clause?.type !== 'insert_clause') throw e.unsupported('INSERT without a target', n);
  if (clause.insertKw.name !== 'INSERT' || clause.orAction || clause.table.type === 'partitioned_table') {
    throw e.unsupported(e.text(clause).slice(0, 40), clause);
  }
  const { table } = targetOf(e, clause.table);
  const fields = clause.columns
    ? clause.columns.expr.items.map((c) => column(e, table, c.name, c))
    : table.table.schema;
  const columns = fields.map((f) => quoteDuck(f.name)).join(', ');
  const rest = n.clauses.filter((c) => c !== clause);
  if (rest.length !== 1) throw e.unsupported('this INSERT form', n);
  const source = rest[0] as Node;
  let body: string;
  if (source.type === 'values_clause') {
    const rows = source.values.items.map((row) => {
      if (row.type !== 'paren_expr') throw e.unsupported('ROW(...) in VALUES', row);
      const items = row.expr.items;
      if (items.length !== fields.length)
        throw e.error(`Inserted row has wrong column count; Has ${items.length}, expected ${fields.length}`, row);
      return `(${items.map((v, i) => assigned(e, v, fields[i] as FieldSchema)).join(', ')})`;
    });
    body = `VALUES ${rows.join(', ')}`;
  } else if (isSubquery(source)) {
    body = query(e, source);
  } else {
    throw e.unsupported(`INSERT … ${source.type}`, source);
  }
  return {
    kind: 'dml',
    statementType: 'INSERT',
    sql: `INSERT INTO ${table.sql} (${columns}) ${body}`,
    target: table,
    checks: [],
  };
}

function assignments(e: Emitter, t: ResolvedTable, set: Node & { type: 'set_clause' }): string {
  return set.assignments.items
    .map((a) => {
      let col = a.column;
      if (col.type === 'member_expr' && col.property.type === 'identifier') col = col.property;
      if (col.type !== 'identifier') throw e.unsupported('this SET target', a);
      const f = column(e, t, col.name, col);
      return `${quoteDuck(f.name)} = ${assigned(e, a.expr, f)}`;
    })
    .join(', ');
}

export function update(e: Emitter, n: Node & { type: 'update_stmt' }): DmlPlan {
  const clause = n.clauses.find((c) => c.type === 'update_clause');
  const set = n.clauses.find((c) => c.type === 'set_clause');
  if (clause?.type !== 'update_clause' || set?.type !== 'set_clause') throw e.unsupported('this UPDATE form', n);
  if (clause.tables.items.length !== 1) throw e.unsupported('UPDATE of several tables', n);
  const { table, alias } = targetOf(e, clause.tables.items[0] as Node);
  const from = n.clauses.find((c) => c.type === 'from_clause');
  for (const c of n.clauses) {
    if (!['update_clause', 'set_clause', 'where_clause', 'from_clause'].includes(c.type))
      throw e.unsupported(`UPDATE … ${c.type}`, c);
  }
  const fromSql = from?.type === 'from_clause' ? ` FROM ${tableExpr(e, from.expr)}` : '';
  const setSql = assignments(e, table, set);
  const where = whereOf(e, n.clauses, 'UPDATE', n);
  return {
    kind: 'dml',
    statementType: 'UPDATE',
    sql: `UPDATE ${table.sql} AS ${quoteDuck(alias)} SET ${setSql}${fromSql} WHERE ${where}`,
    target: table,
    checks: [],
  };
}

export function deleteStatement(e: Emitter, n: Node & { type: 'delete_stmt' }): DmlPlan {
  const clause = n.clauses.find((c) => c.type === 'delete_clause');
  if (clause?.type !== 'delete_clause' || clause.tables.items.length !== 1) throw e.unsupported('this DELETE form', n);
  for (const c of n.clauses) {
    if (!['delete_clause', 'where_clause'].includes(c.type)) throw e.unsupported(`DELETE … ${c.type}`, c);
  }
  const { table, alias } = targetOf(e, clause.tables.items[0] as Node);
  const where = whereOf(e, n.clauses, 'DELETE', n);
  return {
    kind: 'dml',
    statementType: 'DELETE',
    sql: `DELETE FROM ${table.sql} AS ${quoteDuck(alias)} WHERE ${where}`,
    target: table,
    checks: [],
  };
}

export function truncate(e: Emitter, n: Node & { type: 'truncate_stmt' }): DmlPlan {
  if (n.tables.items.length !== 1) throw e.unsupported('TRUNCATE of several tables', n);
  const { table } = targetOf(e, n.tables.items[0] as Node);
  return { kind: 'dml', statementType: 'TRUNCATE_TABLE', sql: `DELETE FROM ${table.sql}`, target: table, checks: [] };
}

export function merge(e: Emitter, n: Node & { type: 'merge_stmt' }): DmlPlan {
  const clause = n.clauses.find((c) => c.type === 'merge_clause');
  if (clause?.type !== 'merge_clause') throw e.unsupported('this MERGE form', n);
  const { table, alias } = targetOf(e, clause.target);
  let source = clause.source;
  let sourceAlias: string | undefined;
  if (source.type === 'alias') {
    sourceAlias = source.alias.name;
    source = source.expr;
  }
  let sourceSql: string;
  if (source.type === 'paren_expr') {
    sourceSql = `(${query(e, source.expr)}) AS ${quoteDuck(sourceAlias ?? '__source')}`;
  } else {
    const s = e.resolveTable(pathOf(source, e), source);
    sourceSql = `${s.sql} AS ${quoteDuck(sourceAlias ?? s.implicitAlias)}`;
  }
  const target = `${table.sql} AS ${quoteDuck(alias)}`;
  const on = expr(e, clause.condition);
  let updatesOrDeletes = false;
  const whens = n.clauses
    .filter((c) => c.type !== 'merge_clause')
    .map((w) => {
      if (w.type !== 'merge_when_clause') throw e.unsupported(`MERGE … ${w.type}`, w);
      const matched = Array.isArray(w.matchedKw) ? 'NOT MATCHED' : 'MATCHED';
      const by = w.byKw ? ` BY ${w.byKw[1].name}` : '';
      const cond = w.condition ? ` AND ${expr(e, w.condition.expr)}` : '';
      const action = w.action;
      let then: string;
      switch (action.type) {
        case 'merge_action_update':
          if (matched === 'MATCHED') updatesOrDeletes = true;
          then = `UPDATE SET ${assignments(e, table, action.set)}`;
          break;
        case 'merge_action_delete':
          if (matched === 'MATCHED') updatesOrDeletes = true;
          then = 'DELETE';
          break;
        case 'merge_action_insert': {
          const values = action.clauses.find((c) => c.type === 'values_clause');
          if (action.clauses.length !== 1 || values?.type !== 'values_clause') {
            throw e.unsupported('MERGE INSERT ROW / INSERT without VALUES', action);
          }
          const fields = action.columns
            ? action.columns.expr.items.map((c) => column(e, table, c.name, c))
            : table.table.schema;
          const row = values.values.items[0];
          if (values.values.items.length !== 1 || row?.type !== 'paren_expr')
            throw e.unsupported('this MERGE INSERT', action);
          if (row.expr.items.length !== fields.length)
            throw e.error('MERGE INSERT has the wrong number of values', row);
          const vals = row.expr.items.map((v, i) => assigned(e, v, fields[i] as FieldSchema));
          then = `INSERT (${fields.map((f) => quoteDuck(f.name)).join(', ')}) VALUES (${vals.join(', ')})`;
          break;
        }
        default:
          throw e.unsupported(`MERGE action ${action.type}`, action);
      }
      return `WHEN ${matched}${by}${cond} THEN ${then}`;
    });
  const checks = updatesOrDeletes
    ? [
        {
          // "UPDATE/MERGE must match at most one source row for each target row" (BigQuery DML).
          sql: `SELECT 1 FROM ${target} JOIN ${sourceSql} ON ${on} GROUP BY ${quoteDuck(alias)}.rowid HAVING count(*) > 1 LIMIT 1`,
          message: 'UPDATE/MERGE must match at most one source row for each target row',
        },
      ]
    : [];
  return {
    kind: 'dml',
    statementType: 'MERGE',
    sql: `MERGE INTO ${target} USING ${sourceSql} ON ${on} ${whens.join(' ')}`,
    target: table,
    checks,
  };
}
