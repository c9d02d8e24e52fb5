/**
 * Runs a request's SQL: statement by statement (a script when there are
 * several), each translated against the catalog as it is at that point, so a
 * script may create a table and then write to it.
 */
import type { DuckDBType, DuckDBValue } from '@duckdb/node-api';
import type { Catalog } from './catalog.ts';
import type { BoundParam, EngineSession } from './engine.ts';
import { invalid, withBigQueryNames } from './errors.ts';
import type { QueryParam } from './params.ts';
import { type FieldSchema, fieldOfDuckType, quoteDuck } from './schema.ts';
import type { DdlOutcome, DmlPlan } from './translate/index.ts';
import { parseStatements, translateStatement } from './translate/index.ts';

export interface QueryRequest {
  readonly sql: string;
  readonly projectId: string;
  readonly defaultDataset: { readonly projectId: string; readonly datasetId: string } | undefined;
  readonly params: readonly QueryParam[];
}

export interface QueryResult {
  readonly statementType: string;
  /** Result columns, for statements that return rows. */
  readonly schema: readonly FieldSchema[] | undefined;
  readonly rows: readonly (readonly DuckDBValue[])[];
  readonly numDmlAffectedRows: number | undefined;
  readonly dmlStats: { insertedRowCount: string; updatedRowCount: string; deletedRowCount: string } | undefined;
  readonly ddl: DdlOutcome | undefined;
  readonly childStatements: number;
}

function schemaOf(names: readonly string[], types: readonly DuckDBType[]): FieldSchema[] {
  return names.map((name, i) => fieldOfDuckType(name, types[i] as DuckDBType));
}

/** Validates a request without running it (dryRun): parse and translate the first statement. */
export function validate(catalog: Catalog, req: QueryRequest): string {
  const [first] = parseStatements(req.sql);
  const plan = translateStatement(first as never, { ...req, catalog, source: req.sql });
  return plan.kind === 'query' ? 'SELECT' : plan.statementType;
}

export async function runRequest(s: EngineSession, catalog: Catalog, req: QueryRequest): Promise<QueryResult> {
  try {
    return await runStatements(s, catalog, req);
  } catch (e) {
    // An unknown column reaches DuckDB's binder (the translator does not resolve names): BigQuery's words for it.
    throw withBigQueryNames(e, req.sql);
  }
}

async function runStatements(s: EngineSession, catalog: Catalog, req: QueryRequest): Promise<QueryResult> {
  const statements = parseStatements(req.sql);
  let last: QueryResult | undefined;
  for (const node of statements) {
    const plan = translateStatement(node, { ...req, catalog, source: req.sql });
    switch (plan.kind) {
      case 'query': {
        const r = await s.run(plan.sql, plan.params);
        last = {
          statementType: 'SELECT',
          schema: schemaOf(r.names, r.types),
          rows: r.rows,
          numDmlAffectedRows: undefined,
          dmlStats: undefined,
          ddl: undefined,
          childStatements: 0,
        };
        break;
      }
      case 'dml':
        last = await runDml(s, catalog, plan);
        break;
      case 'ddl': {
        const outcome = await plan.run(s);
        last = {
          statementType: plan.statementType,
          schema: undefined,
          rows: [],
          numDmlAffectedRows: undefined,
          dmlStats: undefined,
          ddl: outcome,
          childStatements: 0,
        };
        break;
      }
    }
  }
  if (!last) throw new Error('unreachable: no statement');
  return statements.length > 1 ? { ...last, statementType: 'SCRIPT', childStatements: statements.length } : last;
}

async function runDml(
  s: EngineSession,
  catalog: Catalog,
  plan: DmlPlan & { readonly params: readonly BoundParam[] },
): Promise<QueryResult> {
  const { dataset, table } = plan.target;
  const changed = await s.transaction(async () => {
    for (const check of plan.checks) {
      const r = await s.run(check.sql, plan.params);
      if (r.rows.length > 0) throw invalid(check.message);
    }
    const r = await s.run(plan.sql, plan.params);
    // REPEATED columns are never NULL in BigQuery storage (a NULL array is written as []),
    // and an array element can never be NULL ("Array cannot have a null element").
    const physical = catalog.physicalName(dataset, table);
    for (const f of table.schema.filter((c) => c.mode === 'REPEATED')) {
      const c = quoteDuck(f.name);
      const bad = await s.run(`SELECT 1 FROM ${physical} WHERE len(list_filter(${c}, x -> x IS NULL)) > 0 LIMIT 1`);
      if (bad.rows.length > 0) throw invalid(`Array cannot have a null element; error in writing field ${f.name}`);
      await s.run(`UPDATE ${physical} SET ${c} = [] WHERE ${c} IS NULL`);
    }
    return r.changed;
  });
  catalog.touch(table);
  const n = String(changed);
  const zero = '0';
  const stats =
    plan.statementType === 'INSERT'
      ? { insertedRowCount: n, updatedRowCount: zero, deletedRowCount: zero }
      : plan.statementType === 'UPDATE'
        ? { insertedRowCount: zero, updatedRowCount: n, deletedRowCount: zero }
        : plan.statementType === 'MERGE'
          ? undefined
          : { insertedRowCount: zero, updatedRowCount: zero, deletedRowCount: n };
  return {
    statementType: plan.statementType,
    schema: undefined,
    rows: [],
    numDmlAffectedRows: changed,
    dmlStats: stats,
    ddl: undefined,
    childStatements: 0,
  };
}
