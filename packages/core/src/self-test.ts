/**
 * The self-test: one round trip through the plugin endpoints on a throwaway
 * collection, each step reported with its HTTP status and duration. The same
 * steps run behind the status page's button (in process, server/app.ts) and
 * `adaptors doctor <url>` (signed calls over HTTP, packages/cli), so both say
 * the same thing about a service.
 *
 * When the service takes schema changes (capabilities/get
 * `supportsCollectionModifications`): create a collection → insert → query →
 * update → remove → delete the collection; the collection is deleted whatever
 * failed, unless creating it said it already existed (then it is not ours).
 * When it does not (a read-only schema): list the collections and read one
 * item of the first, writing nothing.
 */
import { isPlainObject } from './plain-object.ts';
import type { EndpointName } from './wire/validate.ts';

/** One plugin call: an HTTP status and the JSON answer (errors included); may throw when nothing answered. */
export type SelfTestCall = (endpoint: EndpointName, request: Record<string, unknown>) => Promise<SelfTestAnswer>;

export interface SelfTestAnswer {
  readonly status: number;
  readonly body: unknown;
}

export interface SelfTestStep {
  readonly step: string;
  readonly endpoint: EndpointName;
  readonly ok: boolean;
  /** The HTTP status; 0 when nothing answered. */
  readonly status: number;
  readonly ms: number;
  /** What went wrong (the answer's errorCode and errorMessage), or a note. */
  readonly message?: string;
}

export interface SelfTestReport {
  readonly mode: 'round-trip' | 'read-only';
  readonly ok: boolean;
  /** The throwaway collection (round trip) or the one read (read-only). */
  readonly collectionId?: string;
  readonly steps: readonly SelfTestStep[];
}

const ITEM_ID = 'self-test-item';

/** A collection id no site uses: a prefix that says what it is, the time and some randomness. */
export function selfTestCollectionId(): string {
  const random = Math.floor(Math.random() * 36 ** 6)
    .toString(36)
    .padStart(6, '0');
  return `adaptors_self_test_${Date.now().toString(36)}_${random}`;
}

export async function runSelfTest(
  call: SelfTestCall,
  options: { readonly collectionId?: string } = {},
): Promise<SelfTestReport> {
  const steps: SelfTestStep[] = [];
  const run = async (
    step: string,
    endpoint: EndpointName,
    request: Record<string, unknown>,
    check: (body: Record<string, unknown>) => string | undefined = () => undefined,
  ): Promise<{ ok: boolean; answer?: SelfTestAnswer }> => {
    const started = performance.now();
    let answer: SelfTestAnswer;
    try {
      answer = await call(endpoint, request);
    } catch (error) {
      const ms = elapsed(started);
      steps.push({ step, endpoint, ok: false, status: 0, ms, message: `no answer: ${messageOf(error)}` });
      return { ok: false };
    }
    const ms = elapsed(started);
    const body = isPlainObject(answer.body) ? answer.body : {};
    const problem =
      answer.status >= 200 && answer.status < 300 ? check(body) : describeError(answer.status, answer.body);
    steps.push({ step, endpoint, ok: problem === undefined, status: answer.status, ms, ...messageField(problem) });
    return { ok: problem === undefined, answer };
  };

  const capabilities = await run('capabilities', 'capabilities/get', {}, (body) =>
    typeof body.supportsCollectionModifications === 'boolean'
      ? undefined
      : 'the answer has no supportsCollectionModifications',
  );
  if (!capabilities.ok) return { mode: 'round-trip', ok: false, steps };
  const writable =
    isPlainObject(capabilities.answer?.body) && capabilities.answer.body.supportsCollectionModifications === true;
  return writable ? roundTrip(run, steps, options.collectionId ?? selfTestCollectionId()) : readOnlyCheck(run, steps);
}

type Run = (
  step: string,
  endpoint: EndpointName,
  request: Record<string, unknown>,
  check?: (body: Record<string, unknown>) => string | undefined,
) => Promise<{ ok: boolean; answer?: SelfTestAnswer }>;

async function roundTrip(run: Run, steps: SelfTestStep[], collectionId: string): Promise<SelfTestReport> {
  const created = await run(
    'create collection',
    'collections/create',
    {
      collection: {
        id: collectionId,
        displayName: 'adaptors self-test (safe to delete)',
        fields: [
          { key: 'title', type: 'TEXT' },
          { key: 'n', type: 'NUMBER' },
        ],
      },
    },
    (body) => (idOf(body.collection) === collectionId ? undefined : 'the answer does not name the new collection'),
  );
  // An existing collection of that name is not ours to delete.
  const ours = created.ok || errorCodeOf(created.answer?.body) !== 'COLLECTION_ALREADY_EXISTS';
  try {
    if (created.ok) await dataSteps(run, collectionId);
  } finally {
    if (ours) await run('delete collection', 'collections/delete', { collectionId });
  }
  return { mode: 'round-trip', ok: steps.every((step) => step.ok), collectionId, steps };
}

/** insert → query → update → remove one item, stopping at the first failure. */
async function dataSteps(run: Run, collectionId: string): Promise<void> {
  const item = { _id: ITEM_ID, title: 'self-test', n: 1 };
  const steps: [
    string,
    EndpointName,
    Record<string, unknown>,
    (body: Record<string, unknown>) => string | undefined,
  ][] = [
    ['insert', 'items/insert', { collectionId, items: [item] }, (body) => expectResult(body, { n: 1 })],
    [
      'query',
      'items/query',
      { collectionId, query: { filter: { _id: { $eq: ITEM_ID } } }, consistentRead: true, returnTotalCount: false },
      (body) => expectItem(Array.isArray(body.items) ? body.items[0] : undefined, { n: 1 }),
    ],
    ['update', 'items/update', { collectionId, items: [{ ...item, n: 2 }] }, (body) => expectResult(body, { n: 2 })],
    ['remove', 'items/remove', { collectionId, itemIds: [ITEM_ID] }, (body) => expectResult(body, { n: 2 })],
  ];
  for (const [step, endpoint, request, check] of steps) {
    if (!(await run(step, endpoint, request, check)).ok) return;
  }
}

async function readOnlyCheck(run: Run, steps: SelfTestStep[]): Promise<SelfTestReport> {
  let first: string | undefined;
  const listed = await run('list collections', 'collections/get', { collectionIds: [] }, (body) => {
    if (!Array.isArray(body.collections)) return 'the answer has no collections list';
    first = idOf(body.collections[0]);
    return undefined;
  });
  if (listed.ok && first !== undefined) {
    const collectionId = first;
    await run(
      'read one item',
      'items/query',
      { collectionId, query: { filter: {}, paging: { limit: 1 } }, consistentRead: false, returnTotalCount: false },
      (body) => (Array.isArray(body.items) ? undefined : 'the answer has no items list'),
    );
    return { mode: 'read-only', ok: steps.every((s) => s.ok), collectionId, steps };
  }
  return { mode: 'read-only', ok: steps.every((s) => s.ok), steps };
}

function expectItem(item: unknown, expected: Record<string, unknown>): string | undefined {
  if (!isPlainObject(item)) return 'the answer has no item';
  if (item._id !== ITEM_ID) return `the answer's item has _id ${JSON.stringify(item._id)}, not ${ITEM_ID}`;
  for (const [key, value] of Object.entries(expected)) {
    if (item[key] !== value)
      return `the item's ${key} is ${JSON.stringify(item[key])}, expected ${JSON.stringify(value)}`;
  }
  return undefined;
}

/** A write answers per item: `results[0]` holds the item or that item's error. */
function expectResult(body: Record<string, unknown>, expected: Record<string, unknown>): string | undefined {
  const first = Array.isArray(body.results) ? body.results[0] : undefined;
  if (isPlainObject(first) && isPlainObject(first.error)) {
    const { errorCode, errorMessage } = first.error;
    return `the item failed: ${String(errorCode)}: ${String(errorMessage).slice(0, 300)}`;
  }
  return expectItem(isPlainObject(first) ? first.item : undefined, expected);
}

function describeError(status: number, body: unknown): string {
  const code = errorCodeOf(body);
  const message = isPlainObject(body) && typeof body.errorMessage === 'string' ? body.errorMessage : undefined;
  return `HTTP ${status}${code ? ` ${code}` : ''}${message ? `: ${message.slice(0, 300)}` : ''}`;
}

function errorCodeOf(body: unknown): string | undefined {
  return isPlainObject(body) && typeof body.errorCode === 'string' ? body.errorCode : undefined;
}

function idOf(collection: unknown): string | undefined {
  return isPlainObject(collection) && typeof collection.id === 'string' ? collection.id : undefined;
}

function messageField(message: string | undefined): { message?: string } {
  return message === undefined ? {} : { message };
}

function messageOf(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).slice(0, 300);
}

function elapsed(started: number): number {
  return Math.round((performance.now() - started) * 10) / 10;
}
