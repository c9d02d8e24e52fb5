/**
 * Composition root of the BigQuery adaptor (docs/design.md §3), the same in every
 * service: the core's runService (config, build, listen on 0.0.0.0:$PORT, drain on
 * SIGTERM and close the storage) over this service's storage (open-storage.ts).
 * `node main.mjs check` prints the configuration report instead, without loading the
 * database client. Called by main.ts (tsc output) and by the bundle's loader
 * (scripts/bundle-runtime/loader.cjs), which has no top-level await to run main.ts.
 */
export async function start(entryUrl: string): Promise<void> {
  const [{ packageVersion, runService }, { bigquerySettings }] = await Promise.all([
    import('@adaptors/core'),
    import('./settings.ts'),
  ]);
  await runService({
    name: 'bigquery',
    version: packageVersion(entryUrl),
    settings: bigquerySettings,
    async createStorage(config, logger) {
      const { openStorage } = await import('./open-storage.ts');
      return openStorage(config, logger);
    },
  });
}
