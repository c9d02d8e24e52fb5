/**
 * The Spanner service's settings (README.md "Configuration" is generated from
 * these with core's `describeSettings`). Values may be Secret Manager
 * references (packages/core/src/config/README.md).
 */
import { boolean, coreSettings, defineSettings, integer, setting, text, withChecks } from '@adaptors/core';
import { numberColumnsSetting } from '@adaptors/googlesql';

/**
 * Sizing (DEPLOY.md "Sizing", packages/core/SCALING.md): each instance's
 * client holds at most the Spanner client's default session pool maximum,
 * one session per request in flight; Spanner allows 10,000 sessions per
 * database per node (1,000 processing units).
 */
export const SESSIONS_PER_INSTANCE = 100;
const SESSIONS_PER_PROCESSING_UNIT = 10;

const specs = defineSettings({
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
      'true: with SPANNER_EMULATOR_HOST, create the instance and database when missing, at start and whenever /readyz finds them gone (local development: a restarted emulator is empty; ignored without an emulator).',
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
      'How long the table list is trusted before it is read again, whatever else happens: the bound for schema changes made outside the adaptor (your own DDL). Changes made through any instance of this service are seen sooner (SCHEMA_CHECK_MS).',
    default: '30',
    parse: integer({ min: 0, max: 3600 }),
  }),
  schemaCheckMs: setting({
    name: 'SCHEMA_CHECK_MS',
    description:
      'How often, at most, an instance reads the schema version row (one single-row read) to see collection changes made through another instance. 0: before every request (strict, one more read per call). A new collection or field is seen at once anyway (a miss re-reads the schema).',
    default: '200',
    parse: integer({ min: 0, max: 60000 }),
  }),
  spannerProcessingUnits: setting({
    name: 'SPANNER_PROCESSING_UNITS',
    description:
      'Compute capacity of the Spanner instance in processing units (1 node = 1000; gcloud spanner instances describe). Bounds the sessions every instance together may hold: MAX_INSTANCES × 100 ≤ 10 per processing unit.',
    default: '100',
    parse: integer({ min: 100, max: 10_000_000 }),
  }),
});

export const spannerSettings = withChecks(specs, (config) => {
  const problems = [];
  if (config.concurrency > SESSIONS_PER_INSTANCE) {
    problems.push({
      name: 'CONCURRENCY',
      message: `CONCURRENCY=${config.concurrency} is more requests than the ${SESSIONS_PER_INSTANCE} Spanner sessions one instance holds (requests would queue for a session): set concurrency to at most ${SESSIONS_PER_INSTANCE}.`,
    });
  }
  const sessions = config.maxInstances * SESSIONS_PER_INSTANCE;
  const allowed = config.spannerProcessingUnits * SESSIONS_PER_PROCESSING_UNIT;
  if (sessions > allowed) {
    problems.push({
      name: 'MAX_INSTANCES',
      message: `MAX_INSTANCES=${config.maxInstances} instances × ${SESSIONS_PER_INSTANCE} sessions = ${sessions} Spanner sessions, more than the ${allowed} that SPANNER_PROCESSING_UNITS=${config.spannerProcessingUnits} allows (10,000 per node): set max_instances to at most ${Math.floor(allowed / SESSIONS_PER_INSTANCE)} or give the Spanner instance more capacity.`,
    });
  }
  return problems;
});
