/**
 * The schema-change label (schema.ts schemaChanged) is datasets.patch, which needs
 * bigquery.datasets.update: roles/bigquery.dataEditor lacks it. A refusal must not pass in
 * silence: one WARNING naming the permission, the consequence and the fix; the change itself
 * stands (schemaChanged never throws).
 */
import type { Logger, Severity } from '@adaptors/core';
import { expect, test } from 'vitest';
import type { BigQueryClient } from '../src/client.ts';
import type { BigQueryRunner } from '../src/runner.ts';
import { SchemaStore } from '../src/schema.ts';

function recordingLogger(): Logger & { lines: { severity: Severity; message: string }[] } {
  const lines: { severity: Severity; message: string }[] = [];
  return { lines, log: (severity, message) => lines.push({ severity, message }), enabled: () => true };
}

/** A client whose datasets.patch fails with `error` (the other calls are not made by schemaChanged). */
function refusingClient(error: unknown): { bq: BigQueryClient; patches: () => number } {
  let patches = 0;
  const dataset = {
    setMetadata: async () => {
      patches++;
      throw error;
    },
  };
  return {
    bq: { library: async () => ({ dataset: () => dataset }) } as unknown as BigQueryClient,
    patches: () => patches,
  };
}

function store(bq: BigQueryClient, logger: Logger): SchemaStore {
  return new SchemaStore({
    bq,
    datasetId: 'wix',
    executor: {} as BigQueryRunner,
    ttlMs: 30_000,
    checkMs: 1000,
    retry: { attempts: 1 },
    logger,
  });
}

// What BigQuery answers datasets.patch without the permission (ApiError: code, errors[].reason).
const denied = Object.assign(
  new Error('Access Denied: Dataset p:wix: Permission bigquery.datasets.update denied on dataset p:wix'),
  {
    code: 403,
    errors: [
      { reason: 'accessDenied', message: 'Access Denied: Dataset p:wix: Permission bigquery.datasets.update denied' },
    ],
  },
);

test('a label write refused for want of bigquery.datasets.update logs one WARNING with the consequence and the fix', async () => {
  const logger = recordingLogger();
  const client = refusingClient(denied);
  const schema = store(client.bq, logger);
  await schema.schemaChanged();
  await schema.schemaChanged();
  expect(client.patches()).toBe(2);
  expect(logger.lines).toHaveLength(1);
  const [line] = logger.lines;
  expect(line?.severity).toBe('WARNING');
  expect(line?.message).toContain('bigquery.datasets.update');
  expect(line?.message).toContain("dataset 'wix'");
  expect(line?.message).toContain('SCHEMA_CACHE_SECONDS, 30 s');
  expect(line?.message).toContain('infra/bigquery');
  expect(line?.message).not.toContain('Access Denied: Dataset p:wix');
});

test("another failure (not a permission) is logged once too, with BigQuery's reason", async () => {
  const logger = recordingLogger();
  const error = Object.assign(new Error('Not found: Dataset p:wix'), {
    code: 404,
    errors: [{ reason: 'notFound', message: 'Not found: Dataset p:wix' }],
  });
  const schema = store(refusingClient(error).bq, logger);
  await schema.schemaChanged();
  await schema.schemaChanged();
  expect(logger.lines.map((l) => l.severity)).toEqual(['WARNING']);
  expect(logger.lines[0]?.message).toContain('Not found: Dataset p:wix');
  expect(logger.lines[0]?.message).not.toContain('bigquery.datasets.update on it');
});
