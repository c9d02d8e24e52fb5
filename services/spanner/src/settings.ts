/**
 * The Spanner service's settings (README.md "Configuration" is generated from
 * these with core's `describeSettings`). Values may be Secret Manager
 * references (packages/core/src/config/README.md).
 */
import { boolean, coreSettings, defineSettings, integer, setting, text } from '@adaptors/core';
import { numberColumnsSetting } from '@adaptors/googlesql';

export const spannerSettings = defineSettings({
  ...coreSettings,
  spannerProject: setting({
    name: 'SPANNER_PROJECT',
    description:
      'Google Cloud project of the Spanner instance. Unset: GOOGLE_CLOUD_PROJECT, then the project of the credentials.',
    parse: text(),
  }),
  spannerInstance: setting({
    name: 'SPANNER_INSTANCE',
    description: 'Spanner instance id (gcloud spanner instances list).',
    required: true,
    parse: text(),
  }),
  spannerDatabase: setting({
    name: 'SPANNER_DATABASE',
    description: 'Spanner database id (GoogleSQL dialect). Its tables are the collections.',
    required: true,
    parse: text(),
  }),
  spannerEmulatorHost: setting({
    name: 'SPANNER_EMULATOR_HOST',
    description:
      'host:port of a Spanner emulator (local development only); the client then connects without credentials.',
    parse: text(),
  }),
  spannerEmulatorCreate: setting({
    name: 'SPANNER_EMULATOR_CREATE',
    description:
      'true: with SPANNER_EMULATOR_HOST, create the instance and database at start when missing (local development; ignored without an emulator).',
    default: 'false',
    parse: boolean(),
  }),
  readOnlySchema: setting({
    name: 'READ_ONLY_SCHEMA',
    description:
      'true: collections cannot be created, changed or deleted from Wix (no DDL; the service account needs only roles/spanner.databaseUser).',
    default: 'false',
    parse: boolean(),
  }),
  numberColumns: numberColumnsSetting,
  schemaCacheSeconds: setting({
    name: 'SCHEMA_CACHE_SECONDS',
    description:
      'How long the table list is trusted before it is read again; schema changes made through this adaptor refresh it at once.',
    default: '30',
    parse: integer({ min: 0, max: 3600 }),
  }),
});
