/**
 * Wire aggregate request → AggregateSpec without paging (docs/protocol.md §4.3, §11;
 * docs/semantics.md §6.1).
 */
import { errors } from '../errors.ts';
import type { Collection, Field, FieldType } from '../model.ts';
import { QUERY_OPERATORS } from '../model.ts';
import { isPlainObject } from '../plain-object.ts';
import type { AggregateOp, AggregateOperation, AggregateSpec, FieldRef, Sort } from './ast.ts';
import { joinPath, type ParseContext, type ResolvedField, resolveField, topLevelRef } from './parse-context.ts';
import { parseFilter } from './parse-filter.ts';
import { parseSortEntries } from './parse-sort.ts';

/**
 * Operation keys → AST op. Both `itemCount` (Wix's generated types) and
 * `count` (Wix's reference adaptor) mean "items in the group" (§4.3).
 */
export const AGGREGATION_OPERATION_KEYS: Readonly<Record<string, AggregateOp>> = {
  average: 'avg',
  min: 'min',
  max: 'max',
  sum: 'sum',
  itemCount: 'count',
  count: 'count',
};

interface ParsedOperation {
  readonly operation: AggregateOperation;
  /** Declared type of the result value, for filtering and sorting rows. */
  readonly resultType: FieldType;
}

function rowType(resolved: ResolvedField): FieldType {
  return resolved.nested ? 'ANY' : (resolved.declared?.type ?? 'ANY');
}

function parseOperation(raw: unknown, ctx: ParseContext, at: string): ParsedOperation {
  if (!isPlainObject(raw)) {
    throw errors.violation(at, raw, 'Each operation must be {"resultFieldName": …, "<operation>": {…}}.');
  }
  const name = raw.resultFieldName;
  if (typeof name !== 'string' || name === '') {
    // Wix resolves default result names before calling (§6.1); a missing one is a malformed request.
    throw errors.violation(`${at}.resultFieldName`, name, 'resultFieldName is required (a non-empty string).');
  }
  if (name.startsWith('$')) {
    throw errors.violation(`${at}.resultFieldName`, name, 'resultFieldName cannot start with "$".');
  }
  if (name === '__proto__') {
    // A row is a plain object: assigning "__proto__" sets its prototype instead of a key, so the
    // result vanished from every row and a finalFilter or sort on it saw nothing (the rule field
    // keys follow: wire/schemas/collections.ts).
    throw errors.violation(
      `${at}.resultFieldName`,
      name,
      'A result cannot be named "__proto__" (no row can hold it as a key). Choose another name.',
    );
  }
  const opKeys = Object.keys(raw).filter((k) => k !== 'resultFieldName');
  const known = Object.keys(AGGREGATION_OPERATION_KEYS).join(', ');
  if (opKeys.length !== 1) {
    throw errors.violation(at, raw, `Each operation needs exactly one of: ${known}.`);
  }
  const key = opKeys[0] as string;
  const op = AGGREGATION_OPERATION_KEYS[key];
  if (!op) throw errors.violation(`${at}.${key}`, key, `Unknown aggregation operation '${key}'. Supported: ${known}.`);
  if (op === 'count') {
    // `itemFieldName` on a count is accepted and ignored (§11).
    return { operation: Object.freeze({ name, op, field: undefined }), resultType: 'NUMBER' };
  }
  const operand = raw[key];
  const fieldAt = `${at}.${key}.itemFieldName`;
  if (!isPlainObject(operand))
    throw errors.violation(`${at}.${key}`, operand, `${key} needs {"itemFieldName": "<field>"}.`);
  const resolved = resolveField(ctx, operand.itemFieldName, fieldAt);
  const type = resolved.nested ? undefined : resolved.declared?.type;
  if ((op === 'avg' || op === 'sum') && type !== undefined && type !== 'NUMBER') {
    // §6.1: average and sum apply to NUMBER fields only.
    throw errors.violation(fieldAt, resolved.ref.key, `${key} needs a NUMBER field; '${resolved.ref.key}' is ${type}.`);
  }
  if (type === 'MULTI_REFERENCE') {
    throw errors.violation(fieldAt, resolved.ref.key, `${key} cannot be computed over a MULTI_REFERENCE field.`);
  }
  const resultType = op === 'avg' || op === 'sum' ? 'NUMBER' : rowType(resolved);
  return { operation: Object.freeze({ name, op, field: resolved.ref }), resultType };
}

function parseGrouping(raw: unknown, ctx: ParseContext, at: string): ResolvedField[] {
  if (raw === undefined || raw === null) return [];
  if (!Array.isArray(raw)) throw errors.violation(at, raw, 'groupingFields must be an array of field names.');
  const seen = new Set<string>();
  const out: ResolvedField[] = [];
  raw.forEach((key: unknown, i) => {
    const resolved = resolveField(ctx, key, `${at}[${i}]`);
    if (resolved.declared?.type === 'MULTI_REFERENCE' && !resolved.nested) {
      throw errors.violation(`${at}[${i}]`, key, `Cannot group by the MULTI_REFERENCE field '${resolved.ref.key}'.`);
    }
    if (seen.has(resolved.ref.key)) return;
    seen.add(resolved.ref.key);
    out.push(resolved);
  });
  return out;
}

/** Every operator and sortable: result rows are computed, any storage can filter and order them. */
const ROW_CAPABILITIES = Object.freeze({ sortable: true, queryOperators: QUERY_OPERATORS });

/**
 * The context finalFilter and sort are parsed in: a strict collection whose
 * fields are the row keys — grouping keys (whole, even when dotted) and
 * result names (§11 steps 4–6).
 */
function rowContext(ctx: ParseContext, fields: readonly { key: string; type: FieldType }[]): ParseContext {
  const collection: Collection = {
    id: ctx.collection.id,
    fields: fields.map((f): Field => ({ key: f.key, type: f.type, capabilities: ROW_CAPABILITIES })),
  };
  return { ...ctx, collection, strict: true };
}

export function parseAggregation(
  raw: { initialFilter?: unknown; aggregation?: unknown; finalFilter?: unknown; sort?: unknown },
  ctx: ParseContext,
  path: string,
): Omit<AggregateSpec, 'offset' | 'limit'> {
  const filter = parseFilter(raw.initialFilter, ctx, joinPath(path, 'initialFilter'));
  const aggAt = joinPath(path, 'aggregation');
  const aggregation = raw.aggregation ?? {};
  if (!isPlainObject(aggregation)) throw errors.violation(aggAt, aggregation, 'aggregation must be an object.');
  const grouping = parseGrouping(aggregation.groupingFields, ctx, `${aggAt}.groupingFields`);
  const groupKeys = new Set(grouping.map((g) => g.ref.key));

  const opsAt = `${aggAt}.operations`;
  const rawOps = aggregation.operations ?? [];
  if (!Array.isArray(rawOps)) throw errors.violation(opsAt, rawOps, 'operations must be an array.');
  const names = new Set<string>();
  const parsed: ParsedOperation[] = [];
  rawOps.forEach((rawOp: unknown, i) => {
    const p = parseOperation(rawOp, ctx, `${opsAt}[${i}]`);
    const name = p.operation.name;
    if (names.has(name)) {
      throw errors.violation(`${opsAt}[${i}].resultFieldName`, name, `resultFieldName '${name}' is used twice.`);
    }
    names.add(name);
    // A row holds one value per key (docs/protocol.md §11 step 4): a result named like a grouping
    // field would replace the group's value or be lost, so the clash is refused rather than guessed.
    if (groupKeys.has(name)) {
      throw errors.violation(
        `${opsAt}[${i}].resultFieldName`,
        name,
        `The result name '${name}' is also a grouping field, and a row holds one value per key. Choose another name for the result.`,
      );
    }
    parsed.push(p);
  });

  const rowFields = [
    ...grouping.map((g) => ({ key: g.ref.key, type: rowType(g) })),
    ...parsed.map((p) => ({ key: p.operation.name, type: p.resultType })),
  ];
  const rows = rowContext(ctx, rowFields);
  const having = parseFilter(raw.finalFilter, rows, joinPath(path, 'finalFilter'));
  const sort = aggregateSort(
    parseSortEntries(raw.sort, rows, joinPath(path, 'sort')),
    rowFields.slice(0, grouping.length),
  );
  return Object.freeze({
    filter,
    groupBy: Object.freeze(grouping.map((g) => g.ref)),
    operations: Object.freeze(parsed.map((p) => p.operation)),
    having,
    sort: Object.freeze(sort),
  });
}

/**
 * Rows are unique by their grouping keys, so appending the grouping keys
 * (ascending) not already sorted on makes row order total, for stable paging.
 */
function aggregateSort(sorts: Sort[], groupFields: readonly { key: string; type: FieldType }[]): Sort[] {
  const present = new Set(sorts.map((s) => s.field.key));
  const extra: Sort[] = groupFields
    .filter((g) => !present.has(g.key))
    .map((g) => Object.freeze({ field: topLevelRef(g.key, g.type) as FieldRef, order: 'asc' as const }));
  return [...sorts, ...extra];
}
