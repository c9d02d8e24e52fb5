/**
 * Query parameters as jobs.query's REST body carries them (REST reference, "QueryParameter":
 * `parameterType` and `parameterValue`), from the values values.ts prepares and their types.
 *
 * The encoding is @google-cloud/bigquery's `BigQuery.valueToQueryParameter_` (what its `query()`
 * sends) for every value the adaptor sends: a type name gives `{ type }`, `[t]` an ARRAY of t,
 * `{ field: t }` a STRUCT; a scalar travels as `{ value }` (null for NULL), an array as
 * `arrayValues`, a struct as `structValues`; a `Date` anywhere as its ISO text (`toJSON`, the
 * client's `BigQuery.timestamp(date).value`). It lives here so a statement needs nothing of the
 * client's module, which a start then never loads (client.ts).
 */

/** A parameter's declared type: 'FLOAT64', ['STRING'], { c0: 'STRING' }, [{ … }]. */
export type ParameterType = string | ParameterType[] | { [field: string]: ParameterType };

export interface QueryParameterType {
  type: string;
  arrayType?: QueryParameterType;
  structTypes?: { name: string; type: QueryParameterType }[];
}

export interface QueryParameterValue {
  value?: unknown;
  arrayValues?: QueryParameterValue[];
  structValues?: Record<string, QueryParameterValue>;
}

export interface QueryParameter {
  name: string;
  parameterType: QueryParameterType;
  parameterValue: QueryParameterValue;
}

export function queryParameter(name: string, type: ParameterType | undefined, value: unknown): QueryParameter {
  // Every statement declares its parameters' types (googlesql, dml.ts); the client would guess one from the value.
  if (type === undefined) throw new Error(`The statement declares no type for its parameter @${name}`);
  return { name, parameterType: parameterType(type), parameterValue: parameterValue(type, value) };
}

function parameterType(type: ParameterType): QueryParameterType {
  if (Array.isArray(type)) return { type: 'ARRAY', arrayType: parameterType(type[0] as ParameterType) };
  if (typeof type === 'object') {
    return {
      type: 'STRUCT',
      structTypes: Object.keys(type).map((name) => ({ name, type: parameterType(type[name] as ParameterType) })),
    };
  }
  return { type };
}

function parameterValue(type: ParameterType, value: unknown): QueryParameterValue {
  if (value instanceof Date) return { value: value.toJSON() };
  if (Array.isArray(type)) {
    // values.ts never sends a NULL array (a REPEATED column's missing value is written as []).
    const element = type[0] as ParameterType;
    return { arrayValues: (value as unknown[]).map((v) => parameterValue(element, v)) };
  }
  if (typeof type === 'object' && value !== null && value !== undefined) {
    const fields = value as Record<string, unknown>;
    const structValues: Record<string, QueryParameterValue> = {};
    for (const name of Object.keys(fields))
      structValues[name] = parameterValue(type[name] as ParameterType, fields[name]);
    return { structValues };
  }
  return { value: value ?? null };
}
