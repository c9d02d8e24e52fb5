/**
 * Settings of the Firestore service: the core's (keys, audience, port …) plus
 * where the data lives and the bounds that keep exact answers cheap
 * (README.md "Configuration"; docs/design.md §4.2).
 */
import {
  boolean,
  coreSettings,
  defineSettings,
  integer,
  schemaSettings,
  setting,
  text,
  withChecks,
} from '@adaptors/core';

/** Firestore collection ids may not contain '/', be '.' or '..', or match __.*__ (Firestore limits). */
function collectionId(value: string): string {
  if (value.includes('/') || value === '.' || value === '..' || /^__.*__$/.test(value)) {
    throw new Error('must be a valid Firestore collection id (no "/", not "." or "..", not __name__-like)');
  }
  return value;
}

/**
 * Sizing (DEPLOY.md "Sizing", packages/core/SCALING.md): a bulk write runs up
 * to FIRESTORE_WRITE_CONCURRENCY per-item transactions at once; every
 * instance doing one together must stay within the 500 operations a second
 * Firestore sustains from the start (its "500/50/5" ramp-up rule).
 */
export const WRITES_AT_ONCE = 500;

const specs = defineSettings({
  ...coreSettings,
  firestoreProject: setting({
    name: 'FIRESTORE_PROJECT',
    description:
      'Google Cloud project that holds the Firestore database. Unset: GOOGLE_CLOUD_PROJECT, then the project of the service account (Cloud Run).',
    parse: text(),
  }),
  firestoreDatabase: setting({
    name: 'FIRESTORE_DATABASE',
    description: 'Firestore database id inside the project.',
    default: '(default)',
    parse: text(),
  }),
  metadataCollection: setting({
    name: 'FIRESTORE_METADATA_COLLECTION',
    description:
      'Collection holding one document per Wix collection (fields, types, display names, paging mode). Hidden from collection lists.',
    default: '_wix_collections',
    parse: collectionId,
  }),
  referencesCollection: setting({
    name: 'FIRESTORE_REFERENCES_COLLECTION',
    description: 'Collection holding multi-reference pairs (one document per pair). Hidden from collection lists.',
    default: '_wix_references',
    parse: collectionId,
  }),
  scanLimit: setting({
    name: 'FIRESTORE_SCAN_LIMIT',
    description:
      'Most documents one request may read to evaluate what Firestore cannot answer itself (case-insensitive text, $ne, sorts on unfiltered fields …). Past it the request is refused, never answered partially.',
    default: '20000',
    parse: integer({ min: 100, max: 1_000_000 }),
  }),
  inferSample: setting({
    name: 'FIRESTORE_INFER_SAMPLE',
    description: 'Documents read to infer the fields of a collection that has no metadata document.',
    default: '100',
    parse: integer({ min: 1, max: 10_000 }),
  }),
  ...schemaSettings({
    readOnlyRoles: 'roles/datastore.user',
    cached: 'a collection definition',
    outside: 'definitions written by other programs',
    version: 'the schema version document (one document read)',
    everyRequest: 'strict, one more read per call',
    cacheSeconds: 5,
    checkMs: 200,
  }),
  writeConcurrency: setting({
    name: 'FIRESTORE_WRITE_CONCURRENCY',
    description: 'Per-item transactions (update, remove) run at most this many at a time.',
    default: '32',
    parse: integer({ min: 1, max: 500 }),
  }),
  manageIndexes: setting({
    name: 'FIRESTORE_MANAGE_INDEXES',
    description:
      'Manage composite indexes through the Firestore Admin API (needs roles/datastore.indexAdmin): the indexes endpoints list/create/remove them, and an index a query needs is created when Firestore first asks for it. Always off against the emulator, which has no index API.',
    default: 'true',
    parse: boolean(),
  }),
});

export const firestoreSettings = withChecks(specs, (config) => {
  const writes = config.maxInstances * config.writeConcurrency;
  if (writes <= WRITES_AT_ONCE) return [];
  return [
    {
      name: 'FIRESTORE_WRITE_CONCURRENCY',
      message: `MAX_INSTANCES=${config.maxInstances} × FIRESTORE_WRITE_CONCURRENCY=${config.writeConcurrency} = ${writes} writes at once, more than the ${WRITES_AT_ONCE} operations a second Firestore sustains without a ramp-up: set FIRESTORE_WRITE_CONCURRENCY to at most ${Math.floor(WRITES_AT_ONCE / config.maxInstances)} or lower max_instances.`,
    },
  ];
});
