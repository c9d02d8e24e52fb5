/**
 * The request log line (server/request-log.ts) holds metadata strings of a bounded length:
 * a signed call may carry an `instanceId` of any length, and a 0.5 MB line is dropped or
 * cut by Cloud Logging, losing the call's record.
 */
import type { FastifyRequest } from 'fastify';
import { expect, test } from 'vitest';
import { newCallContext } from '../../src/adaptor/context.ts';
import { newDeadline } from '../../src/deadline.ts';
import { createLogger } from '../../src/server/log.ts';
import { LOGGED_METADATA_MAX, logRequest } from '../../src/server/request-log.ts';

function logLine(instanceId: string, identityType: string) {
  const raw: string[] = [];
  const logger = createLogger({ level: 'info', sink: { write: (line) => raw.push(line) } });
  const ctx = newCallContext(
    'req-1',
    { languages: [], instanceId, identity: { identityType } as never },
    newDeadline(5000),
  );
  const request = { method: 'POST', url: '/v3/items/query', headers: {} } as unknown as FastifyRequest;
  logRequest(
    logger,
    request,
    200,
    { operation: 'items/query', ctx, errorCode: undefined, error: undefined, started: process.hrtime.bigint() },
    undefined,
  );
  return { raw: raw[0] ?? '', line: JSON.parse(raw[0] ?? '{}') as Record<string, unknown> };
}

test('a 500,000-character instanceId is logged cut to 200 characters and an ellipsis', () => {
  const { raw, line } = logLine('i'.repeat(500_000), 'X'.repeat(10_000));
  expect(LOGGED_METADATA_MAX).toBe(200);
  expect(line.instanceId).toBe(`${'i'.repeat(200)}…`);
  expect(line.identityType).toBe(`${'X'.repeat(200)}…`);
  expect(raw.length).toBeLessThan(2000);
});

test('an ordinary instanceId is logged as it is', () => {
  const id = '0f9a1c2e-3b4d-4e5f-8a7b-6c5d4e3f2a1b';
  expect(logLine(id, 'WIX_USER').line).toMatchObject({ instanceId: id, identityType: 'WIX_USER' });
  expect(logLine('i'.repeat(200), 'WIX_USER').line.instanceId).toBe('i'.repeat(200));
});
