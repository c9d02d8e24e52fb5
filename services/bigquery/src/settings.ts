/**
 * The BigQuery service's settings (README.md "Configuration" is generated from
 * these with core's `describeSettings`; `adaptors config check --service
 * bigquery` imports `bigquerySettings`). Values may be Secret Manager
 * references (packages/core/src/config/README.md).
 */
import { boolean, coreSettings, defineSettings, integer, setting, text } from '@adaptors/core';

export const bigquerySettings = defineSettings({
  ...coreSettings,
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
  readOnlySchema: setting({
    name: 'READ_ONLY_SCHEMA',
    description:
      'true: collections cannot be created, changed or deleted from Wix (no table DDL; the service account needs only roles/bigquery.dataEditor and roles/bigquery.jobUser).',
    default: 'false',
    parse: boolean(),
  }),
  schemaCacheSeconds: setting({
    name: 'SCHEMA_CACHE_SECONDS',
    description:
      'How long the table list is trusted before it is read again; schema changes made through this adaptor refresh it at once.',
    default: '30',
    parse: integer({ min: 0, max: 3600 }),
  }),
  maximumBytesBilled: setting({
    name: 'BIGQUERY_MAXIMUM_BYTES_BILLED',
    description:
      'Optional cap on the bytes one statement may bill (jobs.query maximumBytesBilled); a statement over it fails instead of costing more. Unset: no cap.',
    parse: integer({ min: 10 * 1024 * 1024, max: Number.MAX_SAFE_INTEGER }),
  }),
});
