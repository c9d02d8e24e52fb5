/**
 * GoogleSQL → DuckDB, on the `sql-parser-cst` BigQuery grammar: parse once,
 * then one plan per statement (a query, a DML statement or a DDL step).
 */
import { type Node, parse } from 'sql-parser-cst';
import type { BoundParam } from '../engine.ts';
import { invalidQuery } from '../errors.ts';
import { alterTable, createSchema, createTable, type DdlPlan, dropSchema, dropTable } from './ddl.ts';
import { type DmlPlan, deleteStatement, insert, merge, truncate, update } from './dml.ts';
import { Emitter, type TranslateContext } from './emitter.ts';
import { query } from './query.ts';

export type { DdlOutcome, DdlPlan } from './ddl.ts';
export type { DmlPlan } from './dml.ts';
export type { TranslateContext } from './emitter.ts';

export interface QueryPlan {
  readonly kind: 'query';
  readonly sql: string;
}

export type Plan = (QueryPlan | DmlPlan | DdlPlan) & { readonly params: readonly BoundParam[] };

/** The statements of a request (a script when there are several). */
export function parseStatements(sql: string): Node[] {
  let program: ReturnType<typeof parse>;
  try {
    program = parse(sql, { dialect: 'bigquery', includeRange: true, paramTypes: ['@name', '?', '@`name`'] });
  } catch (e) {
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    throw invalidQuery(`Syntax error: ${message}`);
  }
  const statements = program.statements.filter((s) => s.type !== 'empty');
  if (statements.length === 0) throw invalidQuery('Syntax error: Unexpected end of script');
  return statements;
}

export function translateStatement(node: Node, ctx: TranslateContext): Plan {
  const e = new Emitter(ctx);
  const plan = planOf(e, node);
  return { ...plan, params: e.bound };
}

function planOf(e: Emitter, n: Node): QueryPlan | DmlPlan | DdlPlan {
  switch (n.type) {
    case 'select_stmt':
    case 'compound_select_stmt':
      return { kind: 'query', sql: query(e, n) };
    case 'insert_stmt':
      return insert(e, n);
    case 'update_stmt':
      return update(e, n);
    case 'delete_stmt':
      return deleteStatement(e, n);
    case 'merge_stmt':
      return merge(e, n);
    case 'truncate_stmt':
      return truncate(e, n);
    case 'create_table_stmt':
      return createTable(e, n);
    case 'drop_table_stmt':
      return dropTable(e, n);
    case 'alter_table_stmt':
      return alterTable(e, n);
    case 'create_schema_stmt':
      return createSchema(e, n);
    case 'drop_schema_stmt':
      return dropSchema(e, n);
    default:
      throw e.unsupported(
        `statement ${n.type
          .replace(/_stmt$/, '')
          .replaceAll('_', ' ')
          .toUpperCase()}`,
        n,
      );
  }
}
