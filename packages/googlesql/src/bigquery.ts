/**
 * BigQuery's GoogleSQL: the default compiler with BigQuery's names. BigQuery
 * has "flexible column names" (spaces, dashes, many symbols) and qualified
 * table names (`project.dataset.table`), all legal inside one pair of
 * backticks; quoted identifiers can be up to 1024 characters for tables.
 */
import { GoogleSqlCompiler } from './compiler.ts';

export class BigQueryCompiler extends GoogleSqlCompiler {
  override readonly name = 'bigquery' as const;

  protected override identifierProblem(name: string): string | undefined {
    return name.length > 1024 ? 'is longer than 1024 characters (BigQuery limit)' : undefined;
  }
}

export const bigquery = new BigQueryCompiler();
