/**
 * The settings every SQL engine's service has (each service's settings.ts
 * spreads them; DEPLOY.md tables are generated from them). Only the wording
 * that names the engine is the service's.
 */
import { schemaSettings } from '@adaptors/core';
import { numberColumnsSetting } from '@adaptors/googlesql';

/**
 * READ_ONLY_SCHEMA, SCHEMA_CACHE_SECONDS and SCHEMA_CHECK_MS (the core's
 * schemaSettings, as every service has them) plus NUMBER_COLUMNS.
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
  const { readOnlySchema, schemaCacheSeconds, schemaCheckMs } = schemaSettings({
    ...engine,
    readOnlyRoles: `${engine.readOnlyRoles}; no DDL is run`,
    cached: 'the table list',
    outside: 'your own DDL',
    cacheSeconds: 30,
  });
  return { readOnlySchema, numberColumns: numberColumnsSetting, schemaCacheSeconds, schemaCheckMs };
}
