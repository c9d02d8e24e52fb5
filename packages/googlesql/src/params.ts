/**
 * Parameter collection. Every value of the AST becomes a named, explicitly
 * typed parameter (docs/design.md §3 "Every value is a parameter"; §4.1 Spanner: the
 * client guesses INT64 for whole numbers and cannot type a null on its own).
 */
import type { Value } from '@adaptors/core';
import type { SqlHooks } from './hooks.ts';
import type { ParamType } from './types.ts';

export type ValueKind = 'string' | 'number' | 'boolean' | 'date';

/** The parameter type that carries a JS value of this kind. */
export const PARAM_TYPE_OF_KIND: Readonly<Record<ValueKind, ParamType['type']>> = {
  string: 'STRING',
  number: 'FLOAT64',
  boolean: 'BOOL',
  date: 'TIMESTAMP',
};

/** Kind of a scalar internal value; undefined for null, arrays and objects. */
export function kindOf(value: Value | undefined): ValueKind | undefined {
  if (value instanceof Date) return 'date';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return undefined;
  }
}

export class ParamBag {
  readonly params: Record<string, unknown> = {};
  readonly types: Record<string, ParamType> = {};
  #next = 0;
  readonly #prefix: string;
  readonly #sql: Pick<SqlHooks, 'placeholder'>;

  constructor(sql: Pick<SqlHooks, 'placeholder'>, prefix = 'p') {
    this.#sql = sql;
    if (!/^[a-z]\w*$/.test(prefix)) throw new Error(`Invalid parameter prefix '${prefix}'`);
    this.#prefix = prefix;
  }

  /** Adds a parameter and returns its placeholder (`@p0` in GoogleSQL). */
  add(value: unknown, type: ParamType): string {
    const name = `${this.#prefix}${this.#next++}`;
    this.params[name] = value;
    this.types[name] = type.array ? { type: type.type, array: true } : { type: type.type };
    return this.#sql.placeholder(name);
  }

  /** A scalar value of a known kind, typed from the kind. */
  scalar(value: string | number | boolean | Date): string {
    const kind = kindOf(value) as ValueKind;
    return this.add(value, { type: PARAM_TYPE_OF_KIND[kind] });
  }

  /** A list of scalars of one kind as an ARRAY parameter (for `IN UNNEST(@p)`). */
  list(kind: ValueKind, values: readonly unknown[]): string {
    return this.add([...values], { type: PARAM_TYPE_OF_KIND[kind], array: true });
  }
}
