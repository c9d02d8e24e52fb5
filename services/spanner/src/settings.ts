/**
 * The Spanner service's settings (README.md "Configuration" is generated from
 * these with core's `describeSettings`). Values may be Secret Manager
 * references (packages/core/src/config/README.md).
 */
import { boolean, coreSettings, defineSettings, integer, setting, text, withChecks } from '@adaptors/core';
import { sqlStorageSettings } from '@adaptors/sql-storage';

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
  ...sqlStorageSettings({
    readOnlyRoles: 'roles/spanner.databaseUser',
    version: 'the schema version row (one single-row read)',
    everyRequest: 'strict, one more read per call',
    checkMs: 200,
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
