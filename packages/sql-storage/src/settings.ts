/**
 * The settings every SQL engine's service has (each service's settings.ts
 * spreads them; DEPLOY.md tables are generated from them). Only the wording
 * that names the engine is the service's.
 */
import { boolean, integer, setting } from '@adaptors/core';
import { numberColumnsSetting } from '@adaptors/googlesql';

/**
 * READ_ONLY_SCHEMA, NUMBER_COLUMNS, SCHEMA_CACHE_SECONDS and SCHEMA_CHECK_MS.
 * `readOnlyRoles`: what the service account then needs; `version`: how one
 * instance reads the schema version and what it costs; `everyRequest`: what
 * SCHEMA_CHECK_MS=0 costs; `checkMs`: its default.
 */
export function sqlStorageSettings(engine: {
  readonly readOnlyRoles: string;
  readonly version: string;
  readonly everyRequest: string;
  readonly checkMs: number;
}) {
  return {
    readOnlySchema: setting({
      name: 'READ_ONLY_SCHEMA',
      description: `true: collections cannot be created, changed or deleted from Wix (no DDL; the service account needs only ${engine.readOnlyRoles}).`,
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
      description: `How often, at most, an instance reads ${engine.version} to see collection changes made through another instance. 0: before every request (${engine.everyRequest}). A new collection or field is seen at once anyway (a miss re-reads the schema).`,
      default: String(engine.checkMs),
      parse: integer({ min: 0, max: 60000 }),
    }),
  };
}
