/** tabledata.insertAll (streaming inserts) and tabledata.list. */
import type { FastifyInstance } from 'fastify';
import { encodeRow } from '../encode.ts';
import { invalid } from '../errors.ts';
import { checkRow, insertSql, type RowError } from '../insert-rows.ts';
import type { EmulatorState } from '../state.ts';
import { type Body, bodyOf, intParam, type Params, pathIds, type Query, queryValue } from './common.ts';
import { encodeOptionsOf } from './jobs.ts';

/** insertIds are remembered for a minute ("best effort de-duplication", tabledata.insertAll). */
const DEDUPE_MS = 60_000;
/** DuckDB parameters per statement are bounded; large batches are written in chunks of rows. */
const ROWS_PER_STATEMENT = 500;

export function tabledataRoutes(app: FastifyInstance, state: EmulatorState): void {
  const { engine, catalog } = state;
  const base = '/projects/:projectId/datasets/:datasetId/tables/:tableId';

  app.post<{ Params: Params }>(`${base}/insertAll`, async (req) => {
    const { projectId, datasetId, tableId } = pathIds(req.params);
    const d = catalog.dataset(projectId, datasetId);
    const t = catalog.table(projectId, datasetId, tableId);
    const fault = state.faults.active
      ? state.faults.check({ kind: 'insertAll', projectId, datasetId, dml: undefined, tableId })
      : undefined;
    if (fault) throw fault;
    const body = bodyOf(req.body);
    if (body.templateSuffix) throw invalid('Unsupported by the BigQuery emulator: templateSuffix');
    const rows = Array.isArray(body.rows) ? (body.rows as Body[]) : [];
    if (rows.length === 0) throw invalid('No rows present in the request.');
    const skipInvalid = body.skipInvalidRows === true;
    const ignoreUnknown = body.ignoreUnknownValues === true;
    const checked = rows.map((r) => checkRow(t.schema, r?.json, ignoreUnknown));
    const insertErrors: { index: number; errors: (RowError & { debugInfo: string })[] }[] = [];
    checked.forEach((c, index) => {
      if (!c.ok) insertErrors.push({ index, errors: [{ ...c.error, debugInfo: '' }] });
    });
    if (insertErrors.length > 0 && !skipInvalid) {
      // Without skipInvalidRows the whole request fails: other rows are reported as 'stopped'.
      checked.forEach((c, index) => {
        if (c.ok)
          insertErrors.push({ index, errors: [{ reason: 'stopped', location: '', message: '', debugInfo: '' }] });
      });
      insertErrors.sort((a, b) => a.index - b.index);
      return { kind: 'bigquery#tableDataInsertAllResponse', insertErrors };
    }
    const key = `${projectId}\u0000${datasetId}\u0000${tableId}`;
    const seen = state.insertIds.get(key) ?? new Map<string, number>();
    state.insertIds.set(key, seen);
    const now = Date.now();
    for (const [id, at] of seen) if (now - at > DEDUPE_MS) seen.delete(id);
    const accepted = checked.flatMap((c, i) => {
      if (!c.ok) return [];
      const insertId = typeof rows[i]?.insertId === 'string' ? (rows[i]?.insertId as string) : undefined;
      if (insertId !== undefined) {
        if (seen.has(insertId)) return [];
        seen.set(insertId, now);
      }
      return [c.values];
    });
    if (accepted.length > 0 && t.schema.length > 0) {
      await engine.exclusive((s) =>
        s.transaction(async () => {
          for (let i = 0; i < accepted.length; i += ROWS_PER_STATEMENT) {
            const { sql, params } = insertSql(
              catalog.physicalName(d, t),
              t.schema,
              accepted.slice(i, i + ROWS_PER_STATEMENT),
            );
            await s.run(sql, params);
          }
        }),
      );
      catalog.touch(t);
    }
    return { kind: 'bigquery#tableDataInsertAllResponse', ...(insertErrors.length > 0 ? { insertErrors } : {}) };
  });

  app.get<{ Params: Params; Querystring: Query }>(`${base}/data`, async (req) => {
    const { projectId, datasetId, tableId } = pathIds(req.params);
    const d = catalog.dataset(projectId, datasetId);
    const t = catalog.table(projectId, datasetId, tableId);
    const max = intParam(req.query, 'maxResults');
    const token = queryValue(req.query, 'pageToken');
    const start = token
      ? Number(Buffer.from(token, 'base64url').toString('utf8')) || 0
      : (intParam(req.query, 'startIndex') ?? 0);
    const selected = queryValue(req.query, 'selectedFields')
      ?.split(',')
      .map((s) => s.trim().toLowerCase());
    const fields = selected ? t.schema.filter((f) => selected.includes(f.name.toLowerCase())) : t.schema;
    const encode = encodeOptionsOf(req.query);
    return engine.exclusive(async (s) => {
      const physical = catalog.physicalName(d, t);
      const total = Number((await s.run(`SELECT count(*) FROM ${physical}`)).rows[0]?.[0] ?? 0);
      const size = max && max > 0 ? max : total;
      const cols = fields.map((f) => `"${f.name.replaceAll('"', '""')}"`).join(', ') || 'NULL';
      const r = await s.run(`SELECT ${cols} FROM ${physical} ORDER BY rowid LIMIT ${size} OFFSET ${start}`);
      const rows = fields.length > 0 ? r.rows.map((row) => encodeRow(row, fields, encode)) : [];
      return {
        kind: 'bigquery#tableDataList',
        etag: `"${t.etag}"`,
        totalRows: String(total),
        ...(rows.length > 0 ? { rows } : {}),
        ...(start + size < total ? { pageToken: Buffer.from(String(start + size)).toString('base64url') } : {}),
      };
    });
  });
}
