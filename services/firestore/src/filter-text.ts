/**
 * Text about filters, for the planner and the executor: which top-level
 * fields a filter reads (so projected reads still fetch them) and a short
 * description of a residual conjunct for the scan-bound error.
 */
import type { Filter, Value } from '@adaptors/core';

/** Field keys a filter reads (top-level), so a projected read still fetches them. */
export function filterFields(filter: Filter, out: Set<string> = new Set()): Set<string> {
  switch (filter.kind) {
    case 'and':
    case 'or':
      for (const f of filter.filters) filterFields(f, out);
      break;
    case 'not':
      filterFields(filter.filter, out);
      break;
    case 'true':
    case 'false':
      break;
    default:
      out.add(filter.field.field);
  }
  return out;
}

/** One line per residual conjunct, e.g. `title $contains "alp"`, for error messages. */
export function describeFilter(filter: Filter): string {
  switch (filter.kind) {
    case 'true':
      return '{}';
    case 'false':
      return '$or: []';
    case 'and':
      return `$and(${filter.filters.map(describeFilter).join(', ')})`;
    case 'or':
      return `$or(${filter.filters.map(describeFilter).join(', ')})`;
    case 'not':
      return `$not(${describeFilter(filter.filter)})`;
    case 'compare':
      return `${filter.field.key} $${filter.op} ${show(filter.value)}`;
    case 'in':
      return `${filter.field.key} $hasSome ${show(filter.values)}`;
    case 'hasAll':
      return `${filter.field.key} $hasAll ${show(filter.values)}`;
    case 'string':
      return `${filter.field.key} $${filter.op} ${show(filter.value)}`;
    case 'exists':
      return `${filter.field.key} $exists ${filter.exists}`;
    case 'matches':
      return `${filter.field.key} $matches`;
    case 'urlized':
      return `${filter.field.key} $urlized ${show(filter.words)}`;
  }
}

function show(value: Value | readonly Value[]): string {
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Date ? v.toISOString() : v)) ?? 'null';
  return text.length > 80 ? `${text.slice(0, 79)}…` : text;
}
