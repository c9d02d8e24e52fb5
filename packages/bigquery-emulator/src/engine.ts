/**
 * The DuckDB side: one in-memory database per emulator, one connection, and
 * a queue so statements (and the transactions DML runs in) never interleave.
 */

import type { DuckDBType } from '@duckdb/node-api';
import {
  type DuckDBConnection,
  DuckDBInstance,
  type DuckDBMaterializedResult,
  type DuckDBValue,
} from '@duckdb/node-api';
import { registerBigNumericFunctions } from './bignumeric-functions.ts';
import { fromEngineError } from './errors.ts';
import { MACROS } from './macros.ts';

/** A bound parameter: DuckDB name (without `$`), value and its DuckDB type. */
export interface BoundParam {
  readonly name: string;
  readonly value: DuckDBValue;
  readonly type: DuckDBType;
}

export interface ResultSet {
  readonly names: readonly string[];
  readonly types: readonly DuckDBType[];
  readonly rows: readonly (readonly DuckDBValue[])[];
  /** Rows changed, for INSERT/UPDATE/DELETE/MERGE. */
  readonly changed: number;
}

export class Engine {
  readonly #connection: DuckDBConnection;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  static async create(): Promise<Engine> {
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    // GoogleSQL: NULLs first in ASC, last in DESC (ORDER BY clause). TIMESTAMP is UTC.
    await connection.run(`SET default_null_order = 'nulls_first_on_asc_last_on_desc'`);
    await connection.run(`SET TimeZone = 'UTC'`);
    registerBigNumericFunctions(connection);
    for (const macro of MACROS) await connection.run(macro);
    return new Engine(connection);
  }

  /** Runs `work` alone on the connection (FIFO). */
  exclusive<T>(work: (engine: EngineSession) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => work(new EngineSession(this.#connection)));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.#connection.closeSync();
  }
}

/** Statement execution while holding the connection. */
export class EngineSession {
  readonly #connection: DuckDBConnection;

  constructor(connection: DuckDBConnection) {
    this.#connection = connection;
  }

  async run(sql: string, params: readonly BoundParam[] = []): Promise<ResultSet> {
    try {
      const result = await this.#execute(sql, params);
      const rows = (await result.getRows()) as DuckDBValue[][];
      return {
        names: result.columnNames(),
        types: result.columnTypes(),
        rows,
        changed: result.rowsChanged,
      };
    } catch (e) {
      throw fromEngineError(e);
    }
  }

  /** Column names and types of a query without running it. */
  async describe(sql: string): Promise<{ names: string[]; types: DuckDBType[] }> {
    try {
      const prepared = await this.#connection.prepare(sql);
      const names: string[] = [];
      const types: DuckDBType[] = [];
      for (let i = 0; i < prepared.columnCount; i++) {
        names.push(prepared.columnName(i));
        types.push(prepared.columnType(i));
      }
      prepared.destroySync();
      return { names, types };
    } catch (e) {
      throw fromEngineError(e);
    }
  }

  async #execute(sql: string, params: readonly BoundParam[]): Promise<DuckDBMaterializedResult> {
    if (params.length === 0) return this.#connection.run(sql);
    const prepared = await this.#connection.prepare(sql);
    try {
      // Bind what this statement uses: one translation may feed several statements (MERGE checks).
      const byName = new Map(params.map((p) => [p.name, p]));
      for (let index = 1; index <= prepared.parameterCount; index++) {
        const p = byName.get(prepared.parameterName(index));
        if (!p) throw new Error(`Unbound parameter ${prepared.parameterName(index)}`);
        if (p.value === null) prepared.bindNull(index);
        else prepared.bindValue(index, p.value, p.type);
      }
      return await prepared.run();
    } finally {
      prepared.destroySync();
    }
  }

  /** Runs `work` in a transaction: all or nothing (BigQuery DML statements are atomic). */
  async transaction<T>(work: () => Promise<T>): Promise<T> {
    await this.#connection.run('BEGIN TRANSACTION');
    try {
      const out = await work();
      await this.#connection.run('COMMIT');
      return out;
    } catch (e) {
      await this.#connection.run('ROLLBACK');
      throw e;
    }
  }
}
