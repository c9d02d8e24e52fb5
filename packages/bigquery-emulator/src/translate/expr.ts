/**
 * Expressions: GoogleSQL CST → DuckDB SQL text. Every node type is listed;
 * anything else is refused with its name (Emitter.unsupported).
 */
import type { Node } from 'sql-parser-cst';
import { quoteDuck } from '../schema.ts';
import type { Emitter } from './emitter.ts';
import { castSql, functionCall } from './functions.ts';
import { literal, numberLiteral } from './literals.ts';
import { query } from './query.ts';

const COMPARISON = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);
const ARITHMETIC = new Set(['+', '-', '&', '|', '<<', '>>']);
const CMP_MACRO: Readonly<Record<string, readonly [string, string]>> = {
  // operator → [macro with the literal on the right, macro with the literal on the left]
  '=': ['eq', 'eq'],
  '<>': ['ne', 'ne'],
  '!=': ['ne', 'ne'],
  '<': ['lt', 'gt'],
  '<=': ['le', 'ge'],
  '>': ['gt', 'lt'],
  '>=': ['ge', 'le'],
};

const NUMERIC_PARAM_TYPES = new Set(['INTEGER', 'FLOAT', 'NUMERIC']);

/** A number literal, or a named INT64/FLOAT64/NUMERIC parameter: operands GoogleSQL coerces to BIGNUMERIC. */
function isNumberOperand(e: Emitter, n: Node): boolean {
  if (n.type === 'number_literal' || (n.type === 'prefix_op_expr' && n.expr.type === 'number_literal')) return true;
  if (n.type !== 'parameter' || !n.text.startsWith('@')) return false;
  const name = n.text
    .slice(1)
    .replace(/^`(.*)`$/, '$1')
    .toLowerCase();
  const p = e.ctx.params.find((q) => q.name?.toLowerCase() === name);
  return p?.type.kind === 'scalar' && NUMERIC_PARAM_TYPES.has(p.type.type);
}

function keywordOf(op: unknown): string {
  if (typeof op === 'string') return op;
  if (Array.isArray(op)) return op.map((k: { name: string }) => k.name).join(' ');
  return (op as { name: string }).name;
}

export function isSubquery(n: Node): boolean {
  return (
    n.type === 'select_stmt' || n.type === 'compound_select_stmt' || (n.type === 'paren_expr' && isSubquery(n.expr))
  );
}

export function expr(e: Emitter, n: Node): string {
  const lit = literal(n, e);
  if (lit !== undefined) return lit;
  switch (n.type) {
    case 'paren_expr':
      if (isSubquery(n.expr)) return `(${query(e, n.expr)})`;
      return `(${expr(e, n.expr)})`;
    case 'list_expr':
      return n.items.map((i) => expr(e, i)).join(', ');
    case 'identifier': {
      // CURRENT_DATE/CURRENT_TIMESTAMP/... may be written without parentheses.
      const bare = n.text.startsWith('`') ? undefined : n.name.toUpperCase();
      if (bare === 'CURRENT_TIMESTAMP') return 'current_timestamp';
      if (bare === 'CURRENT_DATE') return 'current_date';
      if (bare === 'CURRENT_DATETIME') return 'CAST(current_timestamp AS TIMESTAMP)';
      return quoteDuck(n.name);
    }
    case 'bigquery_quoted_member_expr':
      return expr(e, n.expr);
    case 'member_expr':
      return member(e, n);
    case 'parameter':
      return e.param(n).sql;
    case 'all_columns':
      return '*';
    case 'binary_expr':
      return binary(e, n);
    case 'prefix_op_expr': {
      const op = keywordOf(n.operator);
      if (op === '-' && n.expr.type === 'number_literal') return numberLiteral(n.expr.text, true, n, e);
      if (op === '-') return `(-${expr(e, n.expr)})`;
      if (op === '+') return `(+${expr(e, n.expr)})`;
      if (op === '~') return `(~${expr(e, n.expr)})`;
      if (op === 'NOT') return `(NOT ${expr(e, n.expr)})`;
      if (op === 'EXISTS') {
        const sub = n.expr.type === 'paren_expr' ? n.expr.expr : n.expr;
        return `EXISTS (${query(e, sub)})`;
      }
      throw e.unsupported(`operator ${op}`, n);
    }
    case 'between_expr': {
      const kw = keywordOf(n.betweenKw);
      if (kw.includes('SYMMETRIC')) throw e.unsupported('BETWEEN SYMMETRIC', n);
      return `(${expr(e, n.left)} ${kw} ${expr(e, n.begin)} AND ${expr(e, n.end)})`;
    }
    case 'case_expr': {
      const parts = n.clauses.map((c) =>
        c.type === 'case_when' ? `WHEN ${expr(e, c.condition)} THEN ${expr(e, c.result)}` : `ELSE ${expr(e, c.result)}`,
      );
      return `(CASE ${n.expr ? `${expr(e, n.expr)} ` : ''}${parts.join(' ')} END)`;
    }
    case 'func_call':
      return functionCall(e, n);
    case 'cast_expr':
      return castSql(e, n);
    case 'extract_expr':
      return functionCall(e, n);
    case 'array_expr':
      return `[${n.expr.items.map((i) => expr(e, i)).join(', ')}]`;
    case 'array_literal_expr':
      return `[${n.expr.expr.items.map((i) => expr(e, i)).join(', ')}]`;
    case 'typed_expr':
      return functionCall(e, n);
    case 'struct_expr':
      return structSql(e, n.expr.items, n);
    case 'array_constructor':
      return `ARRAY(${query(e, n.expr.expr)})`;
    case 'interval_literal':
      return functionCall(e, n);
    default:
      throw e.unsupported(`${n.type.replaceAll('_', ' ')} (${e.text(n).slice(0, 40)})`, n);
  }
}

/** STRUCT(a AS x, b AS y) → struct_pack; unnamed fields get BigQuery's `_field_N` names. */
export function structSql(e: Emitter, items: readonly Node[], n: Node): string {
  if (items.length === 0) throw e.unsupported('an empty STRUCT', n);
  const fields = items.map((item, i) => {
    if (item.type === 'alias') return `${quoteDuck(item.alias.name)} := ${expr(e, item.expr)}`;
    const name = item.type === 'identifier' ? item.name : `_field_${i + 1}`;
    return `${quoteDuck(name)} := ${expr(e, item)}`;
  });
  return `struct_pack(${fields.join(', ')})`;
}

function member(e: Emitter, n: Node & { type: 'member_expr' }): string {
  const prop = n.property;
  const object = expr(e, n.object);
  switch (prop.type) {
    case 'identifier':
      return `${object}.${quoteDuck(prop.name)}`;
    case 'all_columns':
      return `${object}.*`;
    case 'array_subscript': {
      const sub = prop.expr;
      if (sub.type === 'array_subscript_specifier') {
        const kw = sub.specifierKw.name;
        const i = expr(e, sub.args.expr);
        switch (kw) {
          case 'OFFSET':
            return `bq_offset(${object}, ${i})`;
          case 'SAFE_OFFSET':
            return `bq_safe_offset(${object}, ${i})`;
          case 'ORDINAL':
            return `bq_offset(${object}, (${i}) - 1)`;
          case 'SAFE_ORDINAL':
            return `bq_safe_offset(${object}, (${i}) - 1)`;
        }
      }
      if (sub.type === 'string_literal') {
        // json['key']: JSON member access (JSON subscript operator).
        return `json_extract(${object}, ${jsonKeyPath(sub.value)})`;
      }
      if (sub.type === 'array_slice_specifier') throw e.unsupported('array slices', n);
      // array[i] is array[OFFSET(i)].
      return `bq_offset(${object}, ${expr(e, sub)})`;
    }
    default:
      throw e.unsupported(`${prop.type} member access`, n);
  }
}

export function jsonKeyPath(key: string): string {
  return `'$."${key.replaceAll("'", "''").replaceAll('"', '\\"')}"'`;
}

function binary(e: Emitter, n: Node & { type: 'binary_expr' }): string {
  const op = keywordOf(n.operator).toUpperCase();
  const left = () => expr(e, n.left);
  if (op === 'IN' || op === 'NOT IN') {
    // The grammar types IN's right side as an expression list; BigQuery's `IN UNNEST(a)` arrives as unnest_expr.
    const right = n.right as Node;
    if (right.type === 'unnest_expr') {
      // x IN UNNEST(a) has IN-subquery semantics: NULL when x is NULL or no match but a NULL element.
      return `(${left()} ${op} (SELECT UNNEST(${expr(e, right.expr.expr)})))`;
    }
    if (right.type === 'paren_expr') {
      if (isSubquery(right.expr)) return `(${left()} ${op} (${query(e, right.expr)}))`;
      return `(${left()} ${op} (${expr(e, right.expr)}))`;
    }
    throw e.unsupported(`IN ${right.type}`, n);
  }
  if (op === '/') return `bq_div(${left()}, ${expr(e, n.right)})`;
  if (op === '^') return `xor(${left()}, ${expr(e, n.right)})`;
  if (op === '||') return `(${left()} || ${expr(e, n.right)})`;
  if (COMPARISON.has(op)) {
    // A number literal or parameter meeting a BIGNUMERIC is coerced to BIGNUMERIC (macros.ts bq_cmp_*).
    const [right, leftLit] = CMP_MACRO[op] as readonly [string, string];
    const l = isNumberOperand(e, n.left);
    const r = isNumberOperand(e, n.right);
    if (r && !l) return `bq_cmp_${right}(${left()}, ${expr(e, n.right)})`;
    if (l && !r) {
      const number = left(); // translated first: parameters are registered in text order
      return `bq_cmp_${leftLit}(${expr(e, n.right)}, ${number})`;
    }
    return `(${left()} ${op === '!=' ? '<>' : op} ${expr(e, n.right)})`;
  }
  if (op === '*') return `bq_mul(${left()}, ${expr(e, n.right)})`;
  if (ARITHMETIC.has(op)) return `(${left()} ${op} ${expr(e, n.right)})`;
  if (op === 'AND' || op === 'OR') return `(${left()} ${op} ${expr(e, n.right)})`;
  if (op === 'IS' || op === 'IS NOT') {
    const r = n.right;
    if (r.type !== 'null_literal' && r.type !== 'boolean_literal') throw e.unsupported(`IS ${r.type}`, n);
    return `(${left()} ${op} ${expr(e, r)})`;
  }
  if (op === 'IS DISTINCT FROM' || op === 'IS NOT DISTINCT FROM') return `(${left()} ${op} ${expr(e, n.right)})`;
  if (op === 'LIKE' || op === 'NOT LIKE') {
    // GoogleSQL LIKE treats backslash as the escape character; DuckDB needs it spelled out.
    return `(${left()} ${op} ${expr(e, n.right)} ESCAPE '\\')`;
  }
  throw e.unsupported(`operator ${op}`, n);
}
