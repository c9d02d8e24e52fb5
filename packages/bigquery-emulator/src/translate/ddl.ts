/**
 * DDL statements: CREATE TABLE (columns or AS SELECT), DROP TABLE,
 * ALTER TABLE (ADD/DROP/RENAME COLUMN, SET OPTIONS, ALTER COLUMN SET OPTIONS /
 * DROP NOT NULL, RENAME TO), CREATE SCHEMA and DROP SCHEMA. They change the
 * catalog, so each plan is a step run on the engine session.
 */
import type { Node } from 'sql-parser-cst';
import type { DatasetMeta } from '../catalog.ts';
import type { EngineSession } from '../engine.ts';
import { type FieldSchema, fieldOfDuckType, quoteDuck } from '../schema.ts';
import { type Emitter, pathOf } from './emitter.ts';
import { query } from './query.ts';
import { fieldOfDataType } from './types.ts';

export interface DdlOutcome {
  readonly operation: 'CREATE' | 'REPLACE' | 'DROP' | 'ALTER' | 'SKIP';
  readonly target?: { readonly datasetId: string; readonly tableId: string };
}

export interface DdlPlan {
  readonly kind: 'ddl';
  readonly statementType: string;
  readonly run: (s: EngineSession) => Promise<DdlOutcome>;
}

type Options = Record<string, unknown>;

/** OPTIONS(name = literal, …): string, number, boolean and NULL literals; labels as [("k", "v")] are not read. */
function options(e: Emitter, node: Node | undefined): Options {
  if (node?.type !== 'bigquery_options') return {};
  const out: Options = {};
  for (const item of node.options.expr.items) {
    const key = item.left.name.toLowerCase();
    const v = item.right;
    if (v.type === 'string_literal') out[key] = v.value;
    else if (v.type === 'number_literal') out[key] = v.value;
    else if (v.type === 'boolean_literal') out[key] = v.value;
    else if (v.type === 'null_literal') out[key] = null;
    else throw e.unsupported(`OPTIONS value for ${key}`, item);
  }
  return out;
}

function text(o: Options, key: string): string | undefined {
  const v = o[key];
  return typeof v === 'string' ? v : undefined;
}

function columnField(e: Emitter, c: Node): FieldSchema {
  if (c.type !== 'column_definition' || !c.dataType) throw e.unsupported(`${c.type} in CREATE TABLE`, c);
  let field = fieldOfDataType(c.dataType, e, c.name.name);
  for (const k of c.constraints) {
    if (k.type === 'constraint_not_null') {
      if (field.mode === 'REPEATED') throw e.error('NOT NULL cannot be applied to an ARRAY column', k);
      field = { ...field, mode: 'REQUIRED' };
    } else if (k.type === 'constraint_default') {
      // Kept as BigQuery's text (tables.get answers it); catalog.ts makes it the DuckDB DEFAULT.
      field = { ...field, defaultValueExpression: e.text(k.expr) };
    } else if (k.type === 'bigquery_options') {
      const description = text(options(e, k), 'description');
      if (description !== undefined) field = { ...field, description };
    } else {
      throw e.unsupported(`column constraint ${k.type}`, k);
    }
  }
  return field;
}

function tableTarget(e: Emitter, name: Node): { dataset: DatasetMeta; tableId: string } {
  const parts = pathOf(name, e);
  const tableId = parts.at(-1) as string;
  let projectId = e.ctx.projectId;
  let datasetId: string;
  if (parts.length === 1) {
    const d = e.ctx.defaultDataset;
    if (!d) throw e.error(`Table "${tableId}" must be qualified with a dataset (e.g. dataset.table).`, name);
    projectId = d.projectId;
    datasetId = d.datasetId;
  } else if (parts.length === 2) datasetId = parts[0] as string;
  else if (parts.length === 3) [projectId, datasetId] = parts as [string, string];
  else throw e.error(`Invalid table name ${parts.join('.')}`, name);
  return { dataset: e.ctx.catalog.dataset(projectId, datasetId), tableId };
}

export function createTable(e: Emitter, n: Node & { type: 'create_table_stmt' }): DdlPlan {
  if (n.kind) throw e.unsupported(`CREATE ${e.text(n.kind)} TABLE`, n);
  const { dataset, tableId } = tableTarget(e, n.name);
  const replace = n.orReplaceKw !== undefined;
  const ifNotExists = n.ifNotExistsKw !== undefined;
  const declared = n.columns ? n.columns.expr.items.map((c) => columnField(e, c)) : undefined;
  let tableOptions: Options = {};
  let clustering: { fields: string[] } | undefined;
  let asQuery: string | undefined;
  for (const c of n.clauses) {
    if (c.type === 'bigquery_options') tableOptions = options(e, c);
    else if (c.type === 'cluster_by_clause') clustering = { fields: c.columns.items.map((i) => i.name) };
    else if (c.type === 'as_clause') asQuery = query(e, c.expr);
    else if (c.type === 'partition_by_clause') {
      // Partitioning changes cost and pruning, not results: accepted and not modelled.
    } else throw e.unsupported(`CREATE TABLE … ${c.type}`, c);
  }
  const bound = e.bound;
  const catalog = e.ctx.catalog;
  return {
    kind: 'ddl',
    statementType: asQuery ? 'CREATE_TABLE_AS_SELECT' : 'CREATE_TABLE',
    async run(s) {
      const target = { datasetId: dataset.datasetId, tableId };
      const exists = dataset.tables.has(tableId);
      if (exists && ifNotExists) return { operation: 'SKIP', target };
      let schema = declared;
      if (asQuery !== undefined) {
        const shape = await s.describe(asQuery);
        const derived = shape.names.map((name, i) => fieldOfDuckType(name, shape.types[i] as never));
        schema = declared ?? derived;
      }
      if (!schema) throw e.error('CREATE TABLE needs a column list or AS SELECT', n);
      const t = await catalog.createTable(
        s,
        dataset,
        tableId,
        schema,
        {
          description: text(tableOptions, 'description'),
          friendlyName: text(tableOptions, 'friendly_name'),
          clustering,
        },
        replace,
      );
      if (asQuery !== undefined) {
        const cols = t.schema.map((f) => quoteDuck(f.name)).join(', ');
        await s.run(`INSERT INTO ${catalog.physicalName(dataset, t)} (${cols}) ${asQuery}`, bound);
      }
      return { operation: exists ? 'REPLACE' : 'CREATE', target };
    },
  };
}

export function dropTable(e: Emitter, n: Node & { type: 'drop_table_stmt' }): DdlPlan {
  if (n.kind) throw e.unsupported(`DROP ${e.text(n.kind)} TABLE`, n);
  const targets = n.tables.items.map((t) => ({ node: t }));
  const ifExists = n.ifExistsKw !== undefined;
  const catalog = e.ctx.catalog;
  return {
    kind: 'ddl',
    statementType: 'DROP_TABLE',
    async run(s) {
      let outcome: DdlOutcome = { operation: 'SKIP' };
      for (const { node } of targets) {
        const { dataset, tableId } = tableTarget(e, node);
        if (!dataset.tables.has(tableId)) {
          if (ifExists) continue;
          catalog.table(dataset.projectId, dataset.datasetId, tableId);
        }
        await catalog.dropTable(s, dataset, tableId);
        outcome = { operation: 'DROP', target: { datasetId: dataset.datasetId, tableId } };
      }
      return outcome;
    },
  };
}

export function alterTable(e: Emitter, n: Node & { type: 'alter_table_stmt' }): DdlPlan {
  const { dataset, tableId } = tableTarget(e, n.table);
  const ifExists = n.ifExistsKw !== undefined;
  const catalog = e.ctx.catalog;
  const steps: ((s: EngineSession) => Promise<void>)[] = [];
  const current = () => catalog.table(dataset.projectId, dataset.datasetId, tableId);
  for (const action of n.actions.items) {
    switch (action.type) {
      case 'alter_action_add_column': {
        const field = columnField(e, action.column);
        if (field.mode === 'REQUIRED')
          throw e.error(`Cannot add a REQUIRED column ${field.name} to an existing table`, action);
        const ifNotExists = action.ifNotExistsKw !== undefined;
        steps.push(async (s) => {
          const t = current();
          if (t.schema.some((f) => f.name.toLowerCase() === field.name.toLowerCase())) {
            if (ifNotExists) return;
            throw e.error(`Column already exists: ${field.name}`, action);
          }
          await catalog.replaceSchema(s, dataset, t, [...t.schema, field]);
        });
        break;
      }
      case 'alter_action_drop_column': {
        const name = action.column.name;
        const ifColumnExists = action.ifExistsKw !== undefined;
        steps.push(async (s) => {
          const t = current();
          if (!t.schema.some((f) => f.name.toLowerCase() === name.toLowerCase()) && ifColumnExists) return;
          await catalog.dropColumn(s, dataset, t, name);
        });
        break;
      }
      case 'alter_action_set_bigquery_options': {
        const o = options(e, action.options);
        steps.push(async () => {
          const t = current();
          if ('description' in o) t.description = text(o, 'description');
          if ('friendly_name' in o) t.friendlyName = text(o, 'friendly_name');
          catalog.touch(t);
        });
        break;
      }
      case 'alter_action_alter_column': {
        if (action.column.type !== 'identifier') throw e.unsupported('ALTER COLUMN by position', action);
        const name = action.column.name;
        const a = action.action;
        if (a.type === 'alter_action_set_bigquery_options') {
          const o = options(e, a.options);
          steps.push(async () => {
            const t = current();
            const f = t.schema.find((c) => c.name.toLowerCase() === name.toLowerCase());
            if (!f) throw e.error(`Column not found: ${name}`, action);
            if ('description' in o) {
              const description = text(o, 'description');
              t.schema = t.schema.map((c) =>
                c === f ? { ...c, ...(description === undefined ? { description: undefined } : { description }) } : c,
              );
            }
            catalog.touch(t);
          });
        } else if (a.type === 'alter_action_drop_not_null') {
          steps.push(async (s) => {
            const t = current();
            const next = t.schema.map((c) =>
              c.name.toLowerCase() === name.toLowerCase() && c.mode === 'REQUIRED'
                ? { ...c, mode: 'NULLABLE' as const }
                : c,
            );
            await catalog.replaceSchema(s, dataset, t, next);
          });
        } else {
          throw e.unsupported(`ALTER COLUMN … ${a.type}`, action);
        }
        break;
      }
      case 'alter_action_rename_column': {
        const from = action.oldName.name;
        const to = action.newName.name;
        steps.push(async (s) => {
          const t = current();
          const f = t.schema.find((c) => c.name.toLowerCase() === from.toLowerCase());
          if (!f) throw e.error(`Column not found: ${from}`, action);
          if (t.schema.some((c) => c.name.toLowerCase() === to.toLowerCase()))
            throw e.error(`Column already exists: ${to}`, action);
          await s.run(
            `ALTER TABLE ${catalog.physicalName(dataset, t)} RENAME COLUMN ${quoteDuck(f.name)} TO ${quoteDuck(to)}`,
          );
          t.schema = t.schema.map((c) => (c === f ? { ...c, name: to } : c));
          catalog.touch(t);
        });
        break;
      }
      case 'alter_action_rename': {
        const parts = pathOf(action.newName, e);
        const to = parts.at(-1) as string;
        steps.push(async () => {
          const t = current();
          if (dataset.tables.has(to))
            throw e.error(`Already Exists: Table ${dataset.projectId}:${dataset.datasetId}.${to}`, action);
          dataset.tables.delete(tableId);
          dataset.tables.set(to, { ...t, tableId: to });
        });
        break;
      }
      default:
        throw e.unsupported(`ALTER TABLE … ${action.type.replace('alter_action_', '').replaceAll('_', ' ')}`, action);
    }
  }
  return {
    kind: 'ddl',
    statementType: 'ALTER_TABLE',
    async run(s) {
      const target = { datasetId: dataset.datasetId, tableId };
      if (!dataset.tables.has(tableId)) {
        if (ifExists) return { operation: 'SKIP', target };
        current();
      }
      for (const step of steps) await step(s);
      return { operation: 'ALTER', target };
    },
  };
}

export function createSchema(e: Emitter, n: Node & { type: 'create_schema_stmt' }): DdlPlan {
  if (!n.name) throw e.error('CREATE SCHEMA needs a name', n);
  const parts = pathOf(n.name, e);
  const [projectId, datasetId] =
    parts.length === 2 ? (parts as [string, string]) : [e.ctx.projectId, parts[0] as string];
  const o = options(
    e,
    n.clauses.find((c) => c.type === 'bigquery_options'),
  );
  const catalog = e.ctx.catalog;
  return {
    kind: 'ddl',
    statementType: 'CREATE_SCHEMA',
    async run(s) {
      if (catalog.findDataset(projectId, datasetId) && n.ifNotExistsKw) return { operation: 'SKIP' };
      const description = text(o, 'description');
      await catalog.createDataset(s, projectId, datasetId, description === undefined ? {} : { description });
      return { operation: 'CREATE' };
    },
  };
}

export function dropSchema(e: Emitter, n: Node & { type: 'drop_schema_stmt' }): DdlPlan {
  const names = n.schemas.items.map((s) => pathOf(s, e));
  const cascade = n.behaviorKw?.name === 'CASCADE';
  const catalog = e.ctx.catalog;
  return {
    kind: 'ddl',
    statementType: 'DROP_SCHEMA',
    async run(s) {
      for (const parts of names) {
        const [projectId, datasetId] =
          parts.length === 2 ? (parts as [string, string]) : [e.ctx.projectId, parts[0] as string];
        if (!catalog.findDataset(projectId, datasetId) && n.ifExistsKw) continue;
        await catalog.deleteDataset(s, projectId, datasetId, cascade);
      }
      return { operation: 'DROP' };
    },
  };
}
