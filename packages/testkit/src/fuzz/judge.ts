/**
 * Judging one answer of the service against the reference's (the core over
 * the memory storage, declaring the service's capabilities). A service answer
 * is good when it is a 2xx equal to the reference's 2xx, or a 4xx in the SPI
 * error shape (packages/core/src/errors.ts) where the reference also refused.
 * A 5xx, an unanswered call, a malformed error body or a different answer is
 * a finding.
 */
import { ERROR_STATUS } from '@adaptors/core';
import type { CallResult } from '../client.ts';
import type { Judgement } from './requests.ts';

export interface Finding {
  readonly kind: '5xx' | 'no answer' | 'error shape' | 'refused alone' | 'answered alone' | 'different answer';
  readonly path: string;
  readonly request: string;
  readonly service: string;
  readonly reference: string;
}

/** An answer, or the reason there was none (the client's 5 s timeout, a reset connection). */
// biome-ignore lint/suspicious/noExplicitAny: answers are JSON whose shape each check reads.
export type Outcome = CallResult<any> | { readonly failed: string };

export const clip = (value: unknown, max = 1500): string => {
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
};

export function describeOutcome(outcome: Outcome): string {
  return 'failed' in outcome ? `no answer: ${outcome.failed}` : `${outcome.status} ${clip(outcome.body, 600)}`;
}

/** What is wrong with an error body, or undefined when it has the SPI error shape. */
export function errorShapeProblem(result: CallResult): string | undefined {
  const body = result.body as Record<string, unknown> | undefined;
  if (!body || typeof body !== 'object') return 'no JSON body';
  const code = body.errorCode;
  if (typeof code !== 'string' || !(code in ERROR_STATUS)) return `errorCode ${clip(code)} is not in the catalogue`;
  if (ERROR_STATUS[code as keyof typeof ERROR_STATUS] !== result.status) return `${code} with status ${result.status}`;
  if (typeof body.errorMessage !== 'string' || body.errorMessage === '') return 'no errorMessage';
  if (/\n\s+at |node_modules|\.ts:\d+/.test(body.errorMessage)) return 'a stack trace in errorMessage';
  if (code === 'VALIDATION_ERROR') {
    const violations = (body.data as { violations?: unknown } | null)?.violations;
    if (!Array.isArray(violations) || violations.length === 0) return 'VALIDATION_ERROR without violations';
    for (const v of violations as Record<string, unknown>[]) {
      if (typeof v?.fieldPath !== 'string' || typeof v.message !== 'string' || typeof v.rejectedValue !== 'string')
        return `a violation without fieldPath/message/rejectedValue: ${clip(v)}`;
    }
  }
  return undefined;
}

const SYSTEM_DATES = new Set(['_createdDate', '_updatedDate']);

/** Drops system dates and null-valued keys (null and missing are one to Wix), rounds floats to 12 digits. */
export function normalise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalise);
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(12));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (SYSTEM_DATES.has(key) || v === null || v === undefined) continue;
      out[key] = normalise(v);
    }
    return out;
  }
  return value;
}

function idsOf(body: { items?: { _id?: unknown }[] }): unknown[] {
  return (body.items ?? []).map((item) => item._id);
}

/** The comparable part of a 2xx answer, by judgement. */
export function comparable(judge: Judgement, body: Record<string, unknown>): unknown {
  switch (judge) {
    case 'ids':
      return {
        ids: idsOf(body as { items?: { _id?: unknown }[] }),
        total: (body.pagingMetadata as { total?: unknown } | undefined)?.total,
      };
    case 'count':
      return body.totalCount;
    case 'body':
      return normalise(body);
    case 'write':
      return ((body.results ?? []) as Record<string, { errorCode?: string } | undefined>[]).map((r) =>
        r.error ? r.error.errorCode : 'ok',
      );
    default:
      return undefined;
  }
}

export interface Verdict {
  readonly finding?: Finding;
  /**
   * The service refused (a shaped 4xx, or a per-item error) what the reference
   * served: an engine rule the capabilities cannot express (identifier rules,
   * Firestore's reserved ids, query size limits). Not a failure, but printed
   * after the run; a refused write also leaves the two sides apart.
   */
  readonly refusal?: string;
}

/** Compares one service answer with the reference answer to the same request. */
export function judgeAnswer(
  judge: Judgement,
  path: string,
  request: unknown,
  service: Outcome,
  reference: Outcome,
): Verdict {
  const finding = (kind: Finding['kind']): Verdict => ({
    finding: {
      kind,
      path,
      request: clip(request),
      service: describeOutcome(service),
      reference: describeOutcome(reference),
    },
  });
  if ('failed' in service) return finding('no answer');
  if (service.status >= 500) return finding('5xx');
  if (service.status >= 400) {
    const problem = errorShapeProblem(service);
    if (problem) {
      const v = finding('error shape');
      return { finding: { ...(v.finding as Finding), service: `${problem}: ${describeOutcome(service)}` } };
    }
  }
  if (judge === 'safe' || 'failed' in reference || reference.status >= 500) return {};
  const serviceOk = service.status < 300;
  const referenceOk = reference.status < 300;
  if (serviceOk && !referenceOk) return finding('answered alone');
  if (!serviceOk && referenceOk) return { refusal: `${path} ${service.status} ${errorText(service)}` };
  if (!serviceOk || judge === 'class') return {};
  const a = comparable(judge, service.body);
  const b = comparable(judge, reference.body);
  if (JSON.stringify(a) === JSON.stringify(b)) return {};
  if (judge === 'write' && Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    // Per item: the same outcome, or an item the service refused for its engine (a value it cannot
    // hold) that the reference stored — or answered with an error about the stored data instead:
    // values are checked before existence (the core's order, packages/core/README.md "Input limits"),
    // so an engine rule on a missing or duplicate item is a refusal too, not a different answer.
    const refused = a.findIndex(
      (x, i) =>
        x !== b[i] &&
        !(typeof b[i] === 'string' && ENGINE_CAN_REFUSE.has(b[i]) && (x === 'VALIDATION_ERROR' || x === 'BAD_REQUEST')),
    );
    if (refused === -1) {
      const results = (service.body.results ?? []) as { error?: { errorMessage?: string } }[];
      const first = results.find((r, i) => r.error && b[i] !== a[i]);
      return { refusal: `${path} item ${first?.error?.errorMessage ?? ''}`.slice(0, 200) };
    }
  }
  return finding('different answer');
}

/** Reference outcomes of one item that an engine's own value rule may turn into VALIDATION_ERROR / BAD_REQUEST. */
const ENGINE_CAN_REFUSE: ReadonlySet<unknown> = new Set(['ok', 'ITEM_NOT_FOUND', 'ITEM_ALREADY_EXISTS']);

function errorText(result: CallResult): string {
  const body = result.body as { errorCode?: unknown; errorMessage?: unknown } | undefined;
  return `${String(body?.errorCode)}: ${String(body?.errorMessage)}`.slice(0, 160);
}
