/**
 * A read Firestore refuses at once is answered with its refusal, not re-sent:
 * gax's default re-sent a stream that failed before its first answer twice
 * more, 2–3 s and then 4–5 s later, whatever the error, so a query needing a
 * missing composite index (FAILED_PRECONDITION in production) was answered
 * after ~7 s (src/deadline.ts `STREAMS`). The emulator requires no index, so
 * the refusal here is an `in` over more than 30 values. Both clients are built
 * as src/open-storage.ts builds them. The bound is the first re-send's delay:
 * a refusal that took that long was re-sent.
 */
import { randomUUID } from 'node:crypto';
import { Firestore } from '@google-cloud/firestore';
import { afterAll, expect, inject, test } from 'vitest';
import { firestoreDeadlineSettings } from '../src/deadline.ts';
import { FIRESTORE_CLIENT_SETTINGS } from '../src/values.ts';
import { emulatorReader } from './support.ts';

/** retry-request's first re-send waits 2^1 s plus up to 1 s: a refusal within it was not re-sent. */
const FIRST_RESEND_MS = 2000;
const projectId = `test-${randomUUID().slice(0, 8)}`;
process.env.FIRESTORE_EMULATOR_HOST = inject('firestoreEmulatorHost');
const db = new Firestore({ projectId, ...FIRESTORE_CLIENT_SETTINGS, ...firestoreDeadlineSettings(30_000) });
const reader = emulatorReader(projectId);
const values = Array.from({ length: 40 }, (_, i) => i);

afterAll(async () => {
  await Promise.all([db.terminate(), reader.close()]);
});

/** The call's refusal, or 'not answered' if it took as long as a re-send. */
async function refusal(call: () => Promise<unknown>): Promise<unknown> {
  // Warm: the client's channel set-up is not what is measured.
  await db.collection('warm').limit(1).get();
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise((resolve) => {
    timer = setTimeout(() => resolve('not answered'), FIRST_RESEND_MS);
  });
  try {
    return await Promise.race([
      call().then(
        () => 'accepted',
        (error: { code?: unknown }) => error.code,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

test.each([
  ['the client’s query (RunQuery)', () => db.collection('c').where('a', 'in', values).get()],
  ['the client’s count (RunAggregationQuery)', () => db.collection('c').where('a', 'in', values).count().get()],
  [
    'the gapic reader’s query (run-query.ts)',
    () =>
      reader.runQuery({
        parent: `projects/${projectId}/databases/(default)/documents`,
        structuredQuery: {
          from: [{ collectionId: 'c' }],
          where: {
            fieldFilter: {
              field: { fieldPath: 'a' },
              op: 'IN',
              value: { arrayValue: { values: values.map((i) => ({ integerValue: String(i) })) } },
            },
          },
        },
      } as never),
  ],
])('%s refused by Firestore: the refusal, at once', async (_name, call) => {
  expect(await refusal(call)).toBe(3); // INVALID_ARGUMENT
});
