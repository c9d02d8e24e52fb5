/**
 * Firestore's documented index rule (Firestore docs "Index types in Cloud
 * Firestore", "Manage indexes", "Query limitations"), pure: which composite
 * index, if any, production Firestore needs for a query. The emulator never
 * asks for one, so the adaptor uses this rule to name the exact index when
 * production refuses a query (README.md "Indexes"), and the tests use it to
 * refuse on the emulator what production would refuse.
 *
 * The rule, for each disjunct of the filter in disjunctive normal form:
 * - Single-field indexes are automatic (ascending, descending, array-contains)
 *   and serve a query that filters and orders on one field, with the document
 *   id (`__name__`) ordered in the direction of that field.
 * - Equality filters (`==`, `in`, `array-contains`, `array-contains-any`)
 *   alone are served by merging single-field indexes.
 * - Anything else — equalities plus an inequality or an order on another
 *   field, several ordered/inequality fields, or the id ordered against the
 *   field's direction — needs a composite index whose fields are: the
 *   equality fields (any order; `array-contains*` as CONTAINS), then the
 *   ordered fields as the backend orders them (explicit `orderBy`, then
 *   inequality fields not ordered explicitly, by name, in the last explicit
 *   direction), then `__name__` in the last direction.
 */

export type IndexMode = 'ASCENDING' | 'DESCENDING' | 'CONTAINS';
export type Direction = 'ASCENDING' | 'DESCENDING';

/** One field of a composite index, in Admin API field-path syntax (`__name__` = the document id). */
export interface IndexFieldSpec {
  readonly fieldPath: string;
  readonly mode: IndexMode;
}

export const DOCUMENT_ID = '__name__';

/** A composite index a query needs; its first `equalities` fields may be in any order. */
export interface RequiredIndex {
  readonly fields: readonly IndexFieldSpec[];
  readonly equalities: number;
}

/** One conjunction of a query (a disjunct of its filter in DNF) and the query's explicit order. */
export interface QueryShape {
  /** Fields with `==`/`in` (contains: false) or `array-contains(-any)` (contains: true). */
  readonly equalities: readonly { readonly fieldPath: string; readonly contains: boolean }[];
  /** Fields with `<`, `<=`, `>`, `>=`, `!=`, `not-in`, `!= null`. */
  readonly inequalities: readonly string[];
  readonly orderBy: readonly { readonly fieldPath: string; readonly direction: Direction }[];
}

/** The composite index a conjunction needs, or undefined when automatic indexes serve it. */
export function requiredIndex(shape: QueryShape): RequiredIndex | undefined {
  // Conditions on the document id are answered by the key itself.
  const equalities = dedupe(shape.equalities.filter((e) => e.fieldPath !== DOCUMENT_ID)).sort((a, b) =>
    a.fieldPath < b.fieldPath ? -1 : a.fieldPath > b.fieldPath ? 1 : 0,
  );
  const equalityPaths = new Set(equalities.map((e) => e.fieldPath));
  const explicit = shape.orderBy;
  const last: Direction = explicit.at(-1)?.direction ?? 'ASCENDING';
  const ordering: { fieldPath: string; direction: Direction }[] = [...explicit];
  const ordered = new Set(explicit.map((o) => o.fieldPath));
  for (const path of [...new Set(shape.inequalities)].sort()) {
    if (path !== DOCUMENT_ID && !ordered.has(path)) ordering.push({ fieldPath: path, direction: last });
  }
  const idOrder = ordering.find((o) => o.fieldPath === DOCUMENT_ID)?.direction ?? last;
  // An order on a field fixed by an equality changes nothing.
  const orderedFields = ordering.filter((o) => o.fieldPath !== DOCUMENT_ID && !equalityPaths.has(o.fieldPath));

  const fields = equalityPaths.size + orderedFields.length;
  if (fields === 0) return undefined;
  if (orderedFields.length === 0) return undefined; // equalities only: index merging
  const [only] = orderedFields;
  if (fields === 1 && only && only.direction === idOrder) return undefined;

  const index: IndexFieldSpec[] = [
    ...equalities.map((e): IndexFieldSpec => ({ fieldPath: e.fieldPath, mode: e.contains ? 'CONTAINS' : 'ASCENDING' })),
    ...orderedFields.map((o): IndexFieldSpec => ({ fieldPath: o.fieldPath, mode: o.direction })),
  ];
  // The id closes every index in the last field's direction; another direction is spelled out.
  const lastMode = index.at(-1)?.mode;
  if (lastMode !== idOrder) index.push({ fieldPath: DOCUMENT_ID, mode: idOrder });
  return { fields: index, equalities: equalities.length };
}

function dedupe<T extends { fieldPath: string; contains: boolean }>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((e) => {
    const key = `${e.fieldPath}\u0000${e.contains}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The composite indexes a query needs: one per disjunct that needs one, each once. */
export function requiredIndexes(shapes: readonly QueryShape[]): RequiredIndex[] {
  const out = new Map<string, RequiredIndex>();
  for (const shape of shapes) {
    const index = requiredIndex(shape);
    if (index) out.set(indexKey(index.fields), index);
  }
  return [...out.values()];
}

/** Index fields with the implicit trailing `__name__` made explicit (direction of the last field). */
function normalized(index: readonly IndexFieldSpec[]): IndexFieldSpec[] {
  if (index.at(-1)?.fieldPath === DOCUMENT_ID) return [...index];
  const lastMode = index.at(-1)?.mode;
  return [...index, { fieldPath: DOCUMENT_ID, mode: lastMode === 'DESCENDING' ? 'DESCENDING' : 'ASCENDING' }];
}

const fieldKey = (f: IndexFieldSpec) => `${f.fieldPath} ${f.mode}`;

/**
 * Does an existing index serve a required one? The required index's leading
 * `equalities` fields may come in any order; the rest must match in order.
 */
export function indexServes(existing: readonly IndexFieldSpec[], required: RequiredIndex): boolean {
  const have = normalized(existing);
  const want = normalized(required.fields);
  if (have.length !== want.length) return false;
  const k = required.equalities;
  const set = (list: IndexFieldSpec[]) => list.map(fieldKey).sort().join('|');
  if (set(have.slice(0, k)) !== set(want.slice(0, k))) return false;
  return have.slice(k).every((f, i) => fieldKey(f) === fieldKey(want[k + i] as IndexFieldSpec));
}

export function indexKey(index: readonly IndexFieldSpec[]): string {
  return normalized(index)
    .map((f) => `${f.fieldPath} ${f.mode}`)
    .join(', ');
}

/** `a ASC, tags CONTAINS, __name__ DESC` for messages. */
export function describeIndex(index: readonly IndexFieldSpec[]): string {
  const word = { ASCENDING: 'ASC', DESCENDING: 'DESC', CONTAINS: 'CONTAINS' } as const;
  return index.map((f) => `${f.fieldPath} ${word[f.mode]}`).join(', ');
}

/** The `gcloud` command that creates the index (Firestore docs "Manage indexes"). */
export function gcloudCommand(
  collectionGroup: string,
  index: readonly IndexFieldSpec[],
  where: { readonly project?: string | undefined; readonly database?: string | undefined } = {},
): string {
  const quote = (s: string) => (/^[A-Za-z0-9_.,=-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);
  const parts = ['gcloud firestore indexes composite create'];
  if (where.project) parts.push(`--project=${quote(where.project)}`);
  // gcloud's default database is (default); naming it would only add shell quoting.
  if (where.database && where.database !== '(default)') parts.push(`--database=${quote(where.database)}`);
  parts.push(`--collection-group=${quote(collectionGroup)}`, '--query-scope=COLLECTION');
  for (const f of index) {
    const config =
      f.mode === 'CONTAINS'
        ? `field-path=${f.fieldPath},array-config=contains`
        : `field-path=${f.fieldPath},order=${f.mode.toLowerCase()}`;
    parts.push(`--field-config=${quote(config)}`);
  }
  return parts.join(' ');
}
