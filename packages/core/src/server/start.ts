/**
 * The one composition routine every service's main.ts calls: read and check
 * config (Secret Manager references resolved), import the Wix keys once,
 * create the storage, build the app, listen on $PORT, drain on SIGTERM.
 * `main.ts check` prints the configuration report and exits instead.
 */
import { createHash } from 'node:crypto';
import { createAdaptor } from '../adaptor/adaptor.ts';
import { loadPublicKeys, type VerificationKey } from '../auth/keys.ts';
import { createVerifier } from '../auth/verify.ts';
import type { coreSettings } from '../config/core-settings.ts';
import { checkConfig } from '../config/describe.ts';
import { loadConfig } from '../config/load.ts';
import type { ConfigOf, SettingSpecs } from '../config/settings.ts';
import type { Storage } from '../storage.ts';
import { build } from './app.ts';
import { createLogger, type Logger } from './log.ts';
import { serve } from './serve.ts';

export type CoreConfig = ConfigOf<typeof coreSettings>;

export interface ServiceDefinition<S extends SettingSpecs> {
  /** Engine name for logs. */
  readonly name: string;
  /** The service's settings, including `coreSettings`. */
  readonly settings: S & typeof coreSettings;
  createStorage(config: ConfigOf<S> & CoreConfig, logger: Logger): Promise<Storage>;
}

export async function runService<S extends SettingSpecs>(
  definition: ServiceDefinition<S>,
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  if (argv[0] === 'check') {
    process.stdout.write(`${await checkConfig(definition.settings, env)}\n`);
    // Scripts rely on the exit code: 1 when anything is missing or invalid.
    if (!(await loadConfig(definition.settings, env)).ok) process.exitCode = 1;
    return;
  }
  const started = performance.now();
  const result = await loadConfig(definition.settings, env);
  if (!result.ok) {
    const lines = result.problems.map((p) => `  ${p.name}: ${p.message}`);
    process.stderr.write(`${definition.name} adaptor cannot start; fix these settings:\n${lines.join('\n')}\n`);
    process.exitCode = 1;
    return;
  }
  const config = result.config as ConfigOf<S> & CoreConfig;
  const logger = createLogger({ level: config.logLevel });
  const keys = await loadPublicKeys(config.wixPublicKeys);
  const verify = createVerifier({
    keys,
    audience: config.wixAudience,
    clockSkewSeconds: config.clockSkewSeconds,
    onUnconfiguredAudience: (aud) =>
      logger.log('NOTICE', `WIX_AUDIENCE is not set; accepted a token for audience ${JSON.stringify(aud)}`),
  });
  const storage = await definition.createStorage(config, logger);
  const adaptor = createAdaptor({
    storage,
    cursorSecret: config.cursorSecret ?? deriveCursorSecret(keys),
    policy: config.accessPolicy,
  });
  const app = build({
    adaptor,
    verify: (body) => verify(body),
    logger,
    bodyLimitBytes: Math.round(config.bodyLimitMb * 1024 * 1024),
    projectId: config.googleCloudProject,
    requestDeadlineMs: config.requestDeadlineMs,
  });
  const address = await serve(app, {
    port: config.port,
    host: config.host,
    graceSeconds: config.shutdownGraceSeconds,
    logger,
  });
  logger.log('NOTICE', `${definition.name} adaptor listening on ${address}`, {
    startupMs: Math.round(performance.now() - started),
    keys: keys.map((k) => `${k.alg} ${k.fingerprint}`),
  });
}

/**
 * Without CURSOR_SECRET, cursors are keyed by the configured public keys: every
 * instance of a deployment agrees (cursors survive Cloud Run scaling), but the
 * key is derivable from public material, so set CURSOR_SECRET to make cursors
 * unforgeable by a caller who knows the public key.
 */
export function deriveCursorSecret(keys: readonly VerificationKey[]): string {
  const hash = createHash('sha256').update('wix-gcp-adaptors cursor v1');
  for (const key of keys) hash.update(key.fingerprint);
  return hash.digest('hex');
}
