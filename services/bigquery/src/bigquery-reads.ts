/**
 * Read executor: every item read is compiled by @adaptors/googlesql (BigQuery
 * dialect) and only run here; this file builds no SQL. googlesql selects the
 * needed columns only (BigQuery bills the bytes of the columns read), rows
 * come back under safe aliases and are renamed to Wix keys with
 * `CompiledQuery.columns`.
 */
import type { AggregateSpec, DistinctSpec, Filter, Item, QuerySpec, Value } from '@adaptors/core';
import { bigquery, type CompiledQuery } from '@adaptors/googlesql';
import { type RunCompiled, readAggregate, readDistinct, readNumber, toItem } from '@adaptors/sql-storage';
import type { BigQueryCollection } from './bigquery-collections.ts';
import type { Executor } from './bigquery-executor.ts';
import { clientParams } from './bigquery-values.ts';

export class Reader {
  private readonly executor: Executor;

  constructor(executor: Executor) {
    this.executor = executor;
  }

  async compiled(query: CompiledQuery, collectionId: string): Promise<Map<string, Value>[]> {
    const { rows } = await this.executor.run(
      {
        sql: query.sql,
        ...clientParams(query.params, query.types),
        names: new Map((query.columns ?? []).map((c) => [c.alias, c.key])),
      },
      collectionId,
    );
    return rows;
  }

  async query(collection: BigQueryCollection, spec: QuerySpec): Promise<Item[]> {
    const compiled = bigquery.select(collection.table, spec);
    const rows = await this.compiled(compiled, collection.stored.id);
    return rows.map((row) => toItem(row, compiled, collection.fields));
  }

  async count(collection: BigQueryCollection, filter: Filter): Promise<number> {
    return readNumber(this.runner(collection.stored.id), bigquery.count(collection.table, filter));
  }

  async aggregate(
    collection: BigQueryCollection,
    spec: AggregateSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ rows: Item[]; total?: number }> {
    return readAggregate(this.runner(collection.stored.id), bigquery.aggregate(collection.table, spec, options));
  }

  async distinct(
    collection: BigQueryCollection,
    spec: DistinctSpec,
    options: { readonly countTotal: boolean },
  ): Promise<{ values: Value[]; total?: number }> {
    return readDistinct(this.runner(collection.stored.id), bigquery.distinct(collection.table, spec, options));
  }

  /** Compiled queries of one collection (errors name it). */
  private runner(collectionId: string): RunCompiled {
    return (query) => this.compiled(query, collectionId);
  }
}
