/**
 * Shared state of one statement's translation: the request context (project,
 * default dataset, catalog, parameters), the parameters actually used (each
 * becomes a DuckDB prepared-statement parameter), CTE scopes, and the one
 * way a refused construct is reported.
 */
import type { Node } from 'sql-parser-cst';
import type { Catalog, DatasetMeta, TableMeta } from '../catalog.ts';
import type { BoundParam } from '../engine.ts';
import { type BigQueryError, invalidQuery, notFound } from '../errors.ts';
import { bindParam, type ParamType, paramSql, type QueryParam } from '../params.ts';
import { quoteDuck } from '../schema.ts';

export interface TranslateContext {
  readonly projectId: string;
  readonly defaultDataset: { readonly projectId: string; readonly datasetId: string } | undefined;
  readonly catalog: Catalog;
  readonly params: readonly QueryParam[];
  /** Original SQL text, for error locations. */
  readonly source: string;
}

export interface ResolvedTable {
  readonly dataset: DatasetMeta;
  readonly table: TableMeta;
  /** `"ds_0"."tb_1"` */
  readonly sql: string;
  /** BigQuery's implicit alias: the last path component. */
  readonly implicitAlias: string;
}

export class Emitter {
  readonly ctx: TranslateContext;
  readonly bound: BoundParam[] = [];
  readonly #paramNames = new Map<QueryParam, string>();
  #positional = 0;
  readonly #cteScopes: Set<string>[] = [];
  #alias = 0;

  constructor(ctx: TranslateContext) {
    this.ctx = ctx;
  }

  /** `[line:col]` of a node, as BigQuery reports error locations. */
  at(node: Node): string {
    const start = node.range?.[0];
    if (start === undefined) return '';
    const before = this.ctx.source.slice(0, start);
    const line = before.split('\n').length;
    const col = start - before.lastIndexOf('\n');
    return ` at [${line}:${col}]`;
  }

  text(node: Node): string {
    const r = node.range;
    return r ? this.ctx.source.slice(r[0], r[1]) : node.type;
  }

  /** A construct this emulator does not translate: a 400 invalidQuery naming it (never an approximation). */
  unsupported(what: string, node: Node): BigQueryError {
    return invalidQuery(`Unsupported by the BigQuery emulator: ${what}${this.at(node)}`);
  }

  error(message: string, node: Node): BigQueryError {
    return invalidQuery(`${message}${this.at(node)}`);
  }

  freshAlias(): string {
    return quoteDuck(`__bq${this.#alias++}`);
  }

  /** A query parameter reference (`@name` or `?`) as typed SQL over a DuckDB parameter. */
  param(node: Node & { text: string }): { sql: string; type: ParamType } {
    const text = node.text;
    let p: QueryParam | undefined;
    if (text === '?') {
      p = this.ctx.params.filter((q) => q.name === undefined)[this.#positional++];
      if (!p) throw this.error('Query has more positional parameters than were provided', node);
    } else {
      const name = text.replace(/^@/, '').replace(/^`(.*)`$/, '$1');
      p =
        this.ctx.params.find((q) => q.name === name) ??
        this.ctx.params.find((q) => q.name?.toLowerCase() === name.toLowerCase());
      if (!p) throw this.error(`Query parameter '${name}' not found`, node);
    }
    let duckName = this.#paramNames.get(p);
    if (!duckName) {
      duckName = `bqp${this.#paramNames.size}`;
      this.#paramNames.set(p, duckName);
      this.bound.push(bindParam(duckName, p));
    }
    return { sql: paramSql(duckName, p.type), type: p.type };
  }

  withCtes<T>(names: readonly string[], work: () => T): T {
    this.#cteScopes.push(new Set(names.map((n) => n.toLowerCase())));
    try {
      return work();
    } finally {
      this.#cteScopes.pop();
    }
  }

  isCte(name: string): boolean {
    return this.#cteScopes.some((s) => s.has(name.toLowerCase()));
  }

  /** `dataset.table`, `project.dataset.table`, or `table` with the default dataset. */
  resolveTable(parts: readonly string[], node: Node): ResolvedTable {
    let projectId = this.ctx.projectId;
    let datasetId: string;
    let tableId: string;
    if (parts.length === 1) {
      const d = this.ctx.defaultDataset;
      if (!d) {
        throw this.error(`Table "${parts[0]}" must be qualified with a dataset (e.g. dataset.table).`, node);
      }
      projectId = d.projectId;
      datasetId = d.datasetId;
      tableId = parts[0] as string;
    } else if (parts.length === 2) {
      [datasetId, tableId] = parts as [string, string];
    } else if (parts.length === 3) {
      [projectId, datasetId, tableId] = parts as [string, string, string];
    } else {
      throw this.error(`Invalid table name ${parts.join('.')}`, node);
    }
    const dataset = this.ctx.catalog.findDataset(projectId, datasetId);
    if (!dataset) throw notFound(`Not found: Dataset ${projectId}:${datasetId} was not found in location US`);
    const table = dataset.tables.get(tableId);
    if (!table) throw notFound(`Not found: Table ${projectId}:${datasetId}.${tableId} was not found in location US`);
    return {
      dataset,
      table,
      sql: this.ctx.catalog.physicalName(dataset, table),
      implicitAlias: tableId,
    };
  }
}

/** The dotted path of an entity name: `a.b.c`, `` `a.b`.c ``, `` `a.b.c` `` → ['a', 'b', 'c']. */
export function pathOf(node: Node, e: Emitter): string[] {
  switch (node.type) {
    case 'identifier': {
      // A quoted `a.b.c` may arrive as one identifier with dots inside.
      const quoted = node.text.startsWith('`');
      return quoted ? node.name.split('.') : [node.name];
    }
    case 'member_expr':
      if (node.property.type !== 'identifier') throw e.unsupported('this table path', node);
      return [...pathOf(node.object, e), ...pathOf(node.property, e)];
    case 'bigquery_quoted_member_expr':
      return pathOf(node.expr, e);
    default:
      throw e.unsupported(`${node.type} as a table name`, node);
  }
}
