/**
 * The default GoogleSQL compiler: AST in, `{ sql, params, types }` out, pure.
 * Engines differ only in the hooks of hooks.ts; a subclass overrides the ones
 * its engine does differently (spanner.ts, bigquery.ts), the way kysely's
 * dialect compilers extend its default one.
 *
 * Null ordering needs no hook: GoogleSQL puts NULLs first in ASC and last in
 * DESC by default, which is exactly "missing ranks lowest" (docs/semantics.md
 * §2), so ORDER BY never needs NULLS FIRST/LAST.
 */
import type { AggregateSpec, DistinctSpec, Filter, QueryOperator, QuerySpec } from '@adaptors/core';
import { compileAggregate } from './aggregate.ts';
import { columnCapabilities, nestedPathOperators } from './capabilities.ts';
import { compileDistinct } from './distinct.ts';
import { compileFilter } from './filter.ts';
import type { SqlHooks } from './hooks.ts';
import { jsonPathLiteral, quoteIdentifier } from './identifiers.ts';
import { ParamBag } from './params.ts';
import { compileCount, compileSelect } from './select.ts';
import type { ColumnInfo, CompiledQuery, ScalarColumnType, TableInfo } from './types.ts';

export class GoogleSqlCompiler implements SqlHooks {
  readonly name: string = 'GoogleSQL';

  /**
   * Why the engine cannot name a table or column `name`, or undefined when it
   * can. Characters that could leave the backticks are refused for every
   * engine before this runs (identifiers.ts).
   */
  protected identifierProblem(_name: string): string | undefined {
    return undefined;
  }

  quote(name: string): string {
    return quoteIdentifier(name, this.name, (n) => this.identifierProblem(n));
  }

  placeholder(name: string): string {
    return `@${name}`;
  }

  inArray(value: string, array: string): string {
    return `${value} IN UNNEST(${array})`;
  }

  jsonQuery(json: string, path: readonly string[]): string {
    return `JSON_QUERY(${json}, ${jsonPathLiteral(path)})`;
  }

  regexpContains(value: string, pattern: string): string {
    return `REGEXP_CONTAINS(${value}, ${pattern})`;
  }

  typeName(type: ScalarColumnType): string {
    return type;
  }

  timestampMillis(_value: string): string | undefined {
    return undefined;
  }

  /** A fresh parameter collection whose placeholders are this engine's. */
  params(prefix?: string): ParamBag {
    return new ParamBag(this, prefix);
  }

  select(table: TableInfo, spec: QuerySpec): CompiledQuery {
    return compileSelect(table, spec, this);
  }

  count(table: TableInfo, filter: Filter): CompiledQuery {
    return compileCount(table, filter, this);
  }

  aggregate(
    table: TableInfo,
    spec: AggregateSpec,
    options: { countTotal: boolean },
  ): { rows: CompiledQuery; total?: CompiledQuery } {
    return compileAggregate(table, spec, this, options);
  }

  distinct(
    table: TableInfo,
    spec: DistinctSpec,
    options: { countTotal: boolean },
  ): { values: CompiledQuery; total?: CompiledQuery } {
    return compileDistinct(table, spec, this, options);
  }

  /** A WHERE condition, its values added to `params`. */
  filter(table: TableInfo, filter: Filter, params: ParamBag): string {
    return compileFilter(table, filter, this, params);
  }

  /** What the compiler answers exactly on a top-level column: the field's sortability and operators. */
  capabilities(column: ColumnInfo): { sortable: boolean; queryOperators: QueryOperator[] } {
    return columnCapabilities(column);
  }

  /** Operators exact on dotted paths into JSON (ParseContext.nestedQueryOperators). */
  nestedPathOperators(): QueryOperator[] {
    return nestedPathOperators();
  }
}
