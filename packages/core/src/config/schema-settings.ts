/**
 * The schema settings every service has, whatever its database: a read-only
 * schema mode and the two bounds of its schema cache (packages/core/SCALING.md).
 * Each service spreads them into its settings with the wording that names its
 * database; one definition, so a setting that exists on one service exists on
 * all under the same name.
 */
import { boolean, integer } from './parsers.ts';
import { setting } from './settings.ts';

export interface SchemaSettingsWording {
  /** What the service account needs when the schema is read-only. */
  readonly readOnlyRoles: string;
  /** What "the schema" is read from, e.g. "the table list" or "a collection definition". */
  readonly cached: string;
  /** Changes made outside the adaptor that only the cache's lifetime bounds, e.g. "your own DDL". */
  readonly outside: string;
  /** How one instance reads the schema version and what it costs. */
  readonly version: string;
  /** What SCHEMA_CHECK_MS=0 costs. */
  readonly everyRequest: string;
  readonly cacheSeconds: number;
  readonly checkMs: number;
}

/** READ_ONLY_SCHEMA, SCHEMA_CACHE_SECONDS and SCHEMA_CHECK_MS, worded for one database. */
export function schemaSettings(wording: SchemaSettingsWording) {
  return {
    readOnlySchema: setting({
      name: 'READ_ONLY_SCHEMA',
      description: `true: collections cannot be created, changed or deleted from Wix (the service account needs only ${wording.readOnlyRoles}).`,
      default: 'false',
      parse: boolean(),
    }),
    schemaCacheSeconds: setting({
      name: 'SCHEMA_CACHE_SECONDS',
      description: `How long ${wording.cached} is trusted before it is read again, whatever else happens: the bound for schema changes made outside the adaptor (${wording.outside}). Changes made through any instance of this service are seen sooner (SCHEMA_CHECK_MS).`,
      default: String(wording.cacheSeconds),
      parse: integer({ min: 0, max: 3600 }),
    }),
    schemaCheckMs: setting({
      name: 'SCHEMA_CHECK_MS',
      description: `How often, at most, an instance reads ${wording.version} to see collection changes made through another instance. 0: before every request (${wording.everyRequest}). A new collection or field is seen at once anyway (a miss re-reads the schema).`,
      default: String(wording.checkMs),
      parse: integer({ min: 0, max: 60000 }),
    }),
  };
}
