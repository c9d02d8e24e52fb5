/**
 * Query statements: SELECT, set operations, WITH, FROM (tables, joins,
 * subqueries, UNNEST) and ORDER BY/LIMIT.
 */
import type { Node } from 'sql-parser-cst';
import { quoteDuck } from '../schema.ts';
import { type Emitter, pathOf } from './emitter.ts';
import { expr, isSubquery } from './expr.ts';
import { informationSchema } from './information-schema.ts';

export function query(e: Emitter, n: Node): string {
  switch (n.type) {
    case 'select_stmt':
      return select(e, n);
    case 'compound_select_stmt': {
      const op = (Array.isArray(n.operator) ? n.operator : [n.operator]).map((k) => k.name).join(' ');
      const duckOp: Record<string, string> = {
        'UNION ALL': 'UNION ALL',
        'UNION DISTINCT': 'UNION',
        'INTERSECT DISTINCT': 'INTERSECT',
        'INTERSECT ALL': 'INTERSECT ALL',
        'EXCEPT DISTINCT': 'EXCEPT',
        'EXCEPT ALL': 'EXCEPT ALL',
      };
      const mapped = duckOp[op];
      if (!mapped) throw e.error(`${op} must be followed by ALL or DISTINCT`, n);
      return `${query(e, n.left)} ${mapped} ${query(e, n.right)}`;
    }
    case 'paren_expr':
      return `(${query(e, n.expr)})`;
    default:
      throw e.unsupported(`${n.type} as a query`, n);
  }
}

function select(e: Emitter, n: Node & { type: 'select_stmt' }): string {
  const withClause = n.clauses.find((c) => c.type === 'with_clause');
  const ctes = withClause?.type === 'with_clause' ? withClause.tables.items.map((t) => t.table.name) : [];
  return e.withCtes(ctes, () => {
    const parts: string[] = [];
    let anonymous = 0;
    for (const c of n.clauses) {
      switch (c.type) {
        case 'with_clause': {
          const items = c.tables.items.map((t) => {
            if (t.columns) throw e.unsupported('CTE column lists', t);
            return `${quoteDuck(t.table.name)} AS (${query(e, t.expr.expr)})`;
          });
          parts.push(`WITH ${c.recursiveKw ? 'RECURSIVE ' : ''}${items.join(', ')}`);
          break;
        }
        case 'select_clause': {
          const modifiers = c.modifiers.map((m) => {
            if (m.type === 'select_distinct') return 'DISTINCT ';
            if (m.type === 'select_all') return '';
            throw e.unsupported(`SELECT ${e.text(m)}`, m);
          });
          const columns = (c.columns?.items ?? []).map((item) => {
            if (item.type === 'alias') return `${expr(e, item.expr)} AS ${quoteDuck(item.alias.name)}`;
            if (item.type === 'all_columns') return '*';
            if (item.type === 'except_columns') {
              const cols = item.columns.expr.items.map((i) => quoteDuck(i.name)).join(', ');
              return `${expr(e, item.expr)} EXCLUDE (${cols})`;
            }
            if (item.type === 'replace_columns') {
              const cols = item.columns.expr.items.map((i) => `${expr(e, i.expr)} AS ${quoteDuck(i.alias.name)}`);
              return `${expr(e, item.expr)} REPLACE (${cols.join(', ')})`;
            }
            if (item.type === 'empty') throw e.error('Syntax error: SELECT list must not be empty', c);
            const named =
              item.type === 'identifier' ||
              (item.type === 'member_expr' &&
                (item.property.type === 'identifier' || item.property.type === 'all_columns'));
            // Unnamed expressions are f0_, f1_, … in BigQuery results.
            return named ? expr(e, item) : `${expr(e, item)} AS ${quoteDuck(`f${anonymous++}_`)}`;
          });
          parts.push(`SELECT ${modifiers.join('')}${columns.join(', ')}`);
          break;
        }
        case 'from_clause':
          parts.push(`FROM ${tableExpr(e, c.expr)}`);
          break;
        case 'where_clause':
          parts.push(`WHERE ${expr(e, c.expr)}`);
          break;
        case 'group_by_clause': {
          if (c.withRollupKw || c.distinctKw) throw e.unsupported('this GROUP BY form', c);
          const items = c.columns.items.map((i) => {
            if (i.type === 'group_by_all') return 'ALL';
            if (i.type === 'group_by_rollup')
              return `ROLLUP (${i.columns.expr.items.map((x) => expr(e, x)).join(', ')})`;
            if (i.type === 'number_literal') return i.text;
            if (i.type === 'group_by_cube' || i.type === 'group_by_grouping_sets') throw e.unsupported(i.type, i);
            return expr(e, i);
          });
          parts.push(`GROUP BY ${items.join(', ')}`);
          break;
        }
        case 'having_clause':
          parts.push(`HAVING ${expr(e, c.expr)}`);
          break;
        case 'qualify_clause':
          parts.push(`QUALIFY ${expr(e, c.expr)}`);
          break;
        case 'window_clause':
          parts.push(
            `WINDOW ${c.namedWindows.items.map((w) => `${quoteDuck(w.name.name)} AS ${windowDefinition(e, w.window.expr)}`).join(', ')}`,
          );
          break;
        case 'order_by_clause':
          parts.push(orderBy(e, c));
          break;
        case 'limit_clause': {
          if (!c.count || c.count.type === 'limit_all' || c.rowsExamined) throw e.unsupported('this LIMIT form', c);
          parts.push(`LIMIT ${limitValue(e, c.count, 'LIMIT')}`);
          if (c.offset) parts.push(`OFFSET ${limitValue(e, c.offset, 'OFFSET')}`);
          break;
        }
        case 'paren_expr':
          parts.push(`(${query(e, c.expr)})`);
          break;
        default:
          throw e.unsupported(c.type.replaceAll('_', ' '), c);
      }
    }
    return parts.join(' ');
  });
}

/** LIMIT/OFFSET take a non-negative INT64 literal or parameter (GoogleSQL "LIMIT and OFFSET clause"). */
function limitValue(e: Emitter, n: Node, what: string): string {
  if (n.type !== 'number_literal' && n.type !== 'parameter') {
    throw e.error(`${what} expects an integer literal or parameter`, n);
  }
  const v = expr(e, n);
  return `(CASE WHEN (${v}) < 0 THEN error('${what} expects a non-negative integer literal or parameter') WHEN (${v}) IS NULL THEN error('${what} must not be null') ELSE ${v} END)`;
}

export function orderBy(e: Emitter, c: Node & { type: 'order_by_clause' }): string {
  const items = c.specifications.items.map((s) => {
    if (s.type !== 'sort_specification') return sortExpr(e, s);
    const dir = s.direction ? (s.direction.type === 'sort_direction_desc' ? ' DESC' : ' ASC') : '';
    if (s.direction?.type === 'sort_direction_using_operator') throw e.unsupported('ORDER BY USING', s);
    const nulls = s.nullHandlingKw ? ` NULLS ${s.nullHandlingKw[1].name}` : '';
    return `${sortExpr(e, s.expr)}${dir}${nulls}`;
  });
  return `ORDER BY ${items.join(', ')}`;
}

/** `ORDER BY 1` is a column ordinal, not the constant 1. */
function sortExpr(e: Emitter, n: Node): string {
  return n.type === 'number_literal' ? n.text : expr(e, n);
}

function windowDefinition(e: Emitter, w: Node & { type: 'window_definition' }): string {
  const parts: string[] = [];
  if (w.baseWindowName) parts.push(quoteDuck(w.baseWindowName.name));
  if (w.partitionBy) parts.push(`PARTITION BY ${w.partitionBy.specifications.items.map((x) => expr(e, x)).join(', ')}`);
  if (w.orderBy) parts.push(orderBy(e, w.orderBy));
  if (w.frame) {
    const text = e.text(w.frame);
    // Frame bounds are keywords and integer literals; the text is the same in DuckDB.
    if (!/^[A-Za-z0-9\s]+$/.test(text)) throw e.unsupported(`window frame ${text}`, w.frame);
    parts.push(text);
  }
  return `(${parts.join(' ')})`;
}

export function windowSpec(e: Emitter, over: Node & { type: 'over_arg' }): string {
  const w = over.window;
  if (w.type === 'identifier') return quoteDuck(w.name);
  return windowDefinition(e, w.expr);
}

function isTablePath(n: Node): boolean {
  return n.type === 'identifier' || n.type === 'member_expr' || n.type === 'bigquery_quoted_member_expr';
}

function tableRef(e: Emitter, n: Node, alias: string | undefined): string {
  const parts = pathOf(n, e);
  const infoAt = parts.findIndex((p) => p.toUpperCase() === 'INFORMATION_SCHEMA');
  if (infoAt >= 0)
    return `${informationSchema(e, parts, infoAt, n)} AS ${quoteDuck(alias ?? (parts.at(-1) as string))}`;
  if (parts.length === 1 && e.isCte(parts[0] as string)) {
    return alias ? `${quoteDuck(parts[0] as string)} AS ${quoteDuck(alias)}` : quoteDuck(parts[0] as string);
  }
  const t = e.resolveTable(parts, n);
  return `${t.sql} AS ${quoteDuck(alias ?? t.implicitAlias)}`;
}

function unnest(e: Emitter, n: Node & { type: 'unnest_expr' }, alias: string | undefined): string {
  const name = quoteDuck(alias ?? 'f0_');
  return `UNNEST(${expr(e, n.expr.expr)}) AS ${name}(${name})`;
}

function unnestWithOffset(e: Emitter, n: Node & { type: 'unnest_with_offset_expr' }, offsetAlias: string): string {
  let inner: Node = n.unnest;
  let alias: string | undefined;
  if (inner.type === 'alias') {
    alias = inner.alias.name;
    inner = inner.expr;
  }
  const array = inner.type === 'unnest_expr' ? expr(e, inner.expr.expr) : expr(e, inner);
  // Element and 0-based offset, unnested side by side (DuckDB zips UNNESTs of equal length).
  return `(SELECT UNNEST(${array}) AS ${quoteDuck(alias ?? 'f0_')}, UNNEST(range(len(${array}))) AS ${quoteDuck(offsetAlias)}) AS ${e.freshAlias()}`;
}

export function tableExpr(e: Emitter, n: Node): string {
  if (isTablePath(n)) return tableRef(e, n, undefined);
  switch (n.type) {
    case 'alias': {
      if (n.columnAliases) throw e.unsupported('column aliases on a table', n);
      const alias = n.alias.name;
      const inner = n.expr;
      if (isTablePath(inner)) return tableRef(e, inner, alias);
      if (inner.type === 'unnest_expr') return unnest(e, inner, alias);
      if (inner.type === 'unnest_with_offset_expr') return unnestWithOffset(e, inner, alias);
      if (inner.type === 'paren_expr' && isSubquery(inner.expr))
        return `(${query(e, inner.expr)}) AS ${quoteDuck(alias)}`;
      throw e.unsupported(`${inner.type} in FROM`, n);
    }
    case 'unnest_expr':
      return unnest(e, n, undefined);
    case 'unnest_with_offset_expr':
      return unnestWithOffset(e, n, 'offset');
    case 'paren_expr':
      if (isSubquery(n.expr)) return `(${query(e, n.expr)}) AS ${e.freshAlias()}`;
      return `(${tableExpr(e, n.expr)})`;
    case 'join_expr': {
      const op =
        n.operator === ','
          ? ','
          : ` ${(Array.isArray(n.operator) ? n.operator : [n.operator]).map((k) => k.name).join(' ')}`;
      let spec = '';
      if (n.specification?.type === 'join_on_specification') spec = ` ON ${expr(e, n.specification.expr)}`;
      else if (n.specification?.type === 'join_using_specification') {
        spec = ` USING (${n.specification.expr.expr.items.map((i) => quoteDuck(i.name)).join(', ')})`;
      }
      return `${tableExpr(e, n.left)}${op} ${tableExpr(e, n.right)}${spec}`;
    }
    default:
      throw e.unsupported(`${n.type.replaceAll('_', ' ')} in FROM`, n);
  }
}
