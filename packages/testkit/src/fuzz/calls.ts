/**
 * The fuzz run's calls: each request signed as text and posted to the service
 * and to the reference, judged (judge.ts); cursor walks to the last page, or
 * with a tampered cursor that must be refused.
 */
import type { KeyObject } from 'node:crypto';
import { forge } from '../attacks/forge.ts';
import type { WixClient } from '../client.ts';
import { defaultMetadata } from '../signer.ts';
import { requestText } from './filters.ts';
import { type Finding, judgeAnswer, type Outcome } from './judge.ts';
import type { FuzzRequest } from './requests.ts';

const MAX_PAGES = 60;

/** One run: both clients, the key both adaptors trust, answers by endpoint and status class, engine refusals. */
export interface Run {
  readonly service: WixClient;
  readonly reference: WixClient;
  readonly key: KeyObject;
  readonly tally: Map<string, number>;
  readonly refusals: string[];
}

/** Signs the request text (requestText) with the key both adaptors trust and posts it. */
export async function call(key: KeyObject, client: WixClient, path: string, request: unknown): Promise<Outcome> {
  try {
    const now = Math.floor(Date.now() / 1000);
    const payload = `{"iss":"wix.com","iat":${now},"exp":${now + 120},"data":{"request":${requestText(request)},"metadata":${JSON.stringify(defaultMetadata())}}}`;
    return await client.post(path, forge('{"alg":"RS256","typ":"JWT"}', payload, 'RS256', key));
  } catch (error) {
    return { failed: `${(error as Error).name}: ${(error as Error).message}` };
  }
}

export async function oneCall(run: Run, req: FuzzRequest): Promise<{ findings: Finding[]; diverged: boolean }> {
  const [a, b] = await Promise.all([
    call(run.key, run.service, req.path, req.request),
    call(run.key, run.reference, req.path, req.request),
  ]);
  const tallyKey = `${req.path} ${'failed' in a ? 'none' : `${String(a.status)[0]}xx`}`;
  run.tally.set(tallyKey, (run.tally.get(tallyKey) ?? 0) + 1);
  const verdict = judgeAnswer(req.judge, req.path, req.request, a, b);
  if (verdict.refusal) run.refusals.push(verdict.refusal);
  return {
    findings: verdict.finding ? [verdict.finding] : [],
    diverged: verdict.refusal !== undefined && req.judge === 'write',
  };
}

/** Engine refusals grouped by their first words, with counts: printed, not failed (see judge.ts Verdict). */
export function refusalReport(name: string, refusals: readonly string[]): string {
  if (refusals.length === 0) return '';
  const groups = new Map<string, number>();
  for (const r of refusals) {
    const key = r.replace(/'[^']*'|"[^"]*"|\d+/g, '…').slice(0, 110);
    groups.set(key, (groups.get(key) ?? 0) + 1);
  }
  const lines = [...groups].sort((x, y) => y[1] - x[1]).map(([k, n]) => `  ${n}× ${k}`);
  return `fuzz ${name}: ${refusals.length} requests the engine refused and the reference served:\n${lines.join('\n')}\n`;
}

type CursorQuery = { collectionId: string; query: Record<string, unknown> & { cursorPaging: { limit?: unknown } } };

/**
 * Walks every page with the cursor on both sides: the same ids in the same
 * order, no duplicates. With a tampered cursor on the second page: refused
 * with a 4xx (a cursor is signed), except `swap` (a genuine cursor on another
 * query), which only must not fail.
 */
export async function cursorWalk(run: Run, req: FuzzRequest): Promise<Finding[]> {
  const { service, reference } = run;
  const request = req.request as CursorQuery;
  const tamper = req.cursorWalk?.tamper ?? 'none';
  const pageRequest = (cursor: string | null) => ({
    ...request,
    query: { ...request.query, cursorPaging: { ...request.query.cursorPaging, cursor } },
  });
  const walks: unknown[][] = [];
  for (const client of [service, reference]) {
    const ids: unknown[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < MAX_PAGES; page++) {
      const sent = pageRequest(cursor);
      const outcome = await call(run.key, client, 'items/query', sent);
      if (client === service) {
        const problem = judgeAnswer('safe', 'items/query', sent, outcome, outcome).finding;
        if (problem) return [problem];
      }
      if ('failed' in outcome || outcome.status !== 200) {
        ids.push(`(${'failed' in outcome ? 'no answer' : outcome.status})`);
        break;
      }
      ids.push(...outcome.body.items.map((item: { _id: unknown }) => item._id));
      const next: string | null = outcome.body.pagingMetadata?.cursors?.next ?? null;
      if (!next) break;
      if (client === service && page === 0 && tamper !== 'none') {
        const tampered = tamperWith(next, tamper);
        const sentBad =
          tamper === 'swap'
            ? {
                ...pageRequest(tampered),
                query: { ...pageRequest(tampered).query, sort: [{ fieldName: 'score', order: 'DESC' }] },
              }
            : pageRequest(tampered);
        const bad = await call(run.key, service, 'items/query', sentBad);
        const problem = judgeAnswer('safe', 'items/query', sentBad, bad, bad).finding;
        if (problem) return [problem];
        if (tamper !== 'swap' && !('failed' in bad) && bad.status < 300) {
          return [
            {
              kind: 'answered alone',
              path: 'items/query (tampered cursor)',
              request: JSON.stringify(sentBad).slice(0, 1500),
              service: `${bad.status}`,
              reference: 'a tampered cursor must be refused',
            },
          ];
        }
        return [];
      }
      cursor = next;
    }
    walks.push(ids);
  }
  if (tamper !== 'none') return [];
  const [a = [], b = []] = walks;
  const duplicates = a.length !== new Set(a).size;
  if (duplicates || JSON.stringify(a) !== JSON.stringify(b)) {
    return [
      {
        kind: 'different answer',
        path: `items/query (cursor walk${duplicates ? ', duplicate ids' : ''})`,
        request: JSON.stringify(request).slice(0, 1500),
        service: JSON.stringify(a).slice(0, 600),
        reference: JSON.stringify(b).slice(0, 600),
      },
    ];
  }
  return [];
}

function tamperWith(cursor: string, how: 'flip' | 'truncate' | 'swap' | 'garbage' | 'none'): string {
  if (how === 'truncate') return cursor.slice(0, -5);
  if (how === 'garbage') return `x${cursor}`;
  if (how === 'flip') {
    const at = cursor.length >> 1;
    const ch = cursor[at] === 'A' ? 'B' : 'A';
    return `${cursor.slice(0, at)}${ch}${cursor.slice(at + 1)}`;
  }
  return cursor;
}

/** A collection the run created (on either side) is dropped again on both. */
export async function dropCreated(run: Run, request: unknown): Promise<void> {
  const id = (request as { collection?: { id?: unknown } }).collection?.id;
  if (typeof id !== 'string' || id === 'fz_seed' || id === 'fz_scratch') return;
  await Promise.all([
    call(run.key, run.service, 'collections/delete', { collectionId: id }),
    call(run.key, run.reference, 'collections/delete', { collectionId: id }),
  ]);
}
