/**
 * The BigQuery service's settings (README.md "Configuration" is generated from
 * these with core's `describeSettings`; `adaptors config check --service
 * bigquery` imports `bigquerySettings`). Values may be Secret Manager
 * references (packages/core/src/config/README.md).
 */
import { boolean, coreSettings, defineSettings, integer, setting, text, withChecks } from '@adaptors/core';
import { numberColumnsSetting } from '@adaptors/googlesql';
import { sqlStorageSettings } from '@adaptors/sql-storage';

/**
 * Sizing (DEPLOY.md "Sizing", packages/core/SCALING.md). A request runs at
 * most 2 query jobs at once (items and total count); BigQuery queues at most
 * 1,000 interactive queries per project before refusing more. The schema
 * version label is one datasets.get per SCHEMA_CHECK_MS per busy instance;
 * the API allows 100 requests per second per method and user: the adaptor
 * keeps to half of it.
 */
export const JOBS_PER_REQUEST = 2;
export const QUEUED_QUERIES_PER_PROJECT = 1000;
export const VERSION_READS_PER_SECOND = 50;

const specs = defineSettings({
  ...coreSettings,
  // 40, not the core's 80: 10 instances × 40 × 2 jobs stay within the 1,000 queued queries.
  concurrency: { ...coreSettings.concurrency, default: '40' },
  bigqueryProject: setting({
    name: 'BIGQUERY_PROJECT',
    description:
      'Google Cloud project that holds the dataset and runs the query jobs. Unset: GOOGLE_CLOUD_PROJECT, then the project of the credentials.',
    parse: text(),
  }),
  bigqueryDataset: setting({
    name: 'BIGQUERY_DATASET',
    description: 'BigQuery dataset id (bq ls). Its tables are the collections.',
    required: true,
    parse: text(),
  }),
  bigqueryLocation: setting({
    name: 'BIGQUERY_LOCATION',
    description:
      'Location of the dataset (e.g. US, EU, europe-west1); jobs run there. Unset: BigQuery routes jobs to the dataset location.',
    parse: text(),
  }),
  bigqueryApiEndpoint: setting({
    name: 'BIGQUERY_API_ENDPOINT',
    description:
      'Base URL of a BigQuery emulator, e.g. http://127.0.0.1:9050 (local development only; no credentials are sent). BIGQUERY_EMULATOR_HOST is read too.',
    parse: text(),
  }),
  bigqueryEmulatorHost: setting({
    name: 'BIGQUERY_EMULATOR_HOST',
    description:
      'Same as BIGQUERY_API_ENDPOINT (the variable the Google client itself reads); BIGQUERY_API_ENDPOINT wins when both are set.',
    parse: text(),
  }),
  bigqueryCreateDataset: setting({
    name: 'BIGQUERY_CREATE_DATASET',
    description:
      'true: create the dataset when it is missing, at start and whenever it is found gone (local development: a restarted emulator is empty; needs roles/bigquery.dataOwner or an emulator).',
    default: 'false',
    parse: boolean(),
  }),
  ...sqlStorageSettings({
    readOnlyRoles: 'roles/bigquery.dataEditor and roles/bigquery.jobUser',
    version: "the dataset's schema version label (one datasets.get, no bytes billed)",
    everyRequest: "strict; mind the API's requests-per-second quota",
    checkMs: 1000,
  }),
  // The shared setting (googlesql exact-numbers.ts `NumberColumns`), said the BigQuery way: Wix's reference
  // adaptor kept every Wix number in a NUMERIC column, so a migrated dataset names them all with `*.*`.
  numberColumns: {
    ...numberColumnsSetting,
    description:
      "INT64/NUMERIC/BIGNUMERIC columns to show to Wix as NUMBER instead of their exact decimal TEXT (TYPES.md), as table.column, comma-separated; * stands for any table or column: reftab.* (every such column of reftab), *.* (every one of the dataset: a dataset written by Wix's reference adaptor, which kept every Wix number in a NUMERIC column; docs/migrating.md). Only for columns whose values all fit a double exactly: any other value is then answered as an error naming the field, and a write the column cannot hold exactly fails its item — never rounded.",
  },
  maximumBytesBilled: setting({
    name: 'BIGQUERY_MAXIMUM_BYTES_BILLED',
    description:
      'Optional cap on the bytes one statement may bill (jobs.query maximumBytesBilled); a statement over it fails instead of costing more. Unset: no cap.',
    parse: integer({ min: 10 * 1024 * 1024, max: Number.MAX_SAFE_INTEGER }),
  }),
});

export const bigquerySettings = withChecks(specs, (config) => {
  const problems = [];
  const jobs = config.maxInstances * config.concurrency * JOBS_PER_REQUEST;
  if (jobs > QUEUED_QUERIES_PER_PROJECT) {
    problems.push({
      name: 'CONCURRENCY',
      message: `MAX_INSTANCES=${config.maxInstances} × CONCURRENCY=${config.concurrency} × ${JOBS_PER_REQUEST} query jobs per request = ${jobs} queries at once, more than the ${QUEUED_QUERIES_PER_PROJECT} interactive queries BigQuery queues per project: lower concurrency to at most ${Math.floor(QUEUED_QUERIES_PER_PROJECT / JOBS_PER_REQUEST / config.maxInstances)} or max_instances.`,
    });
  }
  // SCHEMA_CHECK_MS=0 reads the label per request: count a read per second per request slot.
  const reads =
    config.schemaCheckMs === 0
      ? config.maxInstances * config.concurrency
      : (config.maxInstances * 1000) / config.schemaCheckMs;
  if (reads > VERSION_READS_PER_SECOND) {
    problems.push({
      name: 'SCHEMA_CHECK_MS',
      message: `SCHEMA_CHECK_MS=${config.schemaCheckMs} with MAX_INSTANCES=${config.maxInstances} reads the dataset's schema label up to ${Math.round(reads)} times a second, more than the ${VERSION_READS_PER_SECOND} the adaptor allows itself of BigQuery's 100 API requests per second: set SCHEMA_CHECK_MS to at least ${Math.ceil((config.maxInstances * 1000) / VERSION_READS_PER_SECOND)}.`,
    });
  }
  return problems;
});
