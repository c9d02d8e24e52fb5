/**
 * The one composition routine every service's main.ts calls: read and check
 * config (Secret Manager references resolved), parse the Wix keys once,
 * create the storage, build the app, listen on $PORT, drain on SIGTERM.
 * `main.ts check` prints the configuration report and exits instead.
 */
import { createHash } from 'node:crypto';
import { createAdaptor } from '../adaptor/adaptor.ts';
import { keyObjectOf, parsePublicKeys, type VerificationKey } from '../auth/keys.ts';
import { createVerifier } from '../auth/verify.ts';
import type { coreSettings } from '../config/core-settings.ts';
import { configReport, renderConfigReport } from '../config/describe.ts';
import { loadConfig } from '../config/load.ts';
import type { ConfigOf, SettingSpecs } from '../config/settings.ts';
import { configWarnings } from '../config/warnings.ts';
import type { Storage } from '../storage.ts';
import { createLogger, type Logger } from './log.ts';
import { StatusRecorder } from './status.ts';

export type CoreConfig = ConfigOf<typeof coreSettings>;

export interface ServiceDefinition<S extends SettingSpecs> {
  /** Engine name for logs. */
  readonly name: string;
  /** Product version (`packageVersion(import.meta.url)` in main.ts): `--version`, log lines. */
  readonly version?: string;
  /** The service's settings, including `coreSettings`. */
  readonly settings: S & typeof coreSettings;
  createStorage(config: ConfigOf<S> & CoreConfig, logger: Logger): Promise<Storage>;
}

export async function runService<S extends SettingSpecs>(
  definition: ServiceDefinition<S>,
  argv: readonly string[] = process.argv.slice(2),
  env: Readonly<Record<string, string | undefined>> = process.env,
): Promise<void> {
  const version = definition.version ?? '0.0.0-unknown';
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`wix-gcp-adaptors ${definition.name} ${version}\n`);
    return;
  }
  if (argv[0] === 'check') {
    // One read of the settings (and of each Secret Manager reference) gives the report and the
    // verdict; a second, as loadConfig, read every secret twice.
    const report = await configReport(definition.settings, env);
    const text = argv.includes('--json') ? JSON.stringify(report, null, 2) : renderConfigReport(report);
    process.stdout.write(`${text}\n`);
    // Scripts rely on the exit code: 1 when anything is missing or invalid.
    if (!report.ok) process.exitCode = 1;
    return;
  }
  const started = performance.now();
  const result = await loadConfig(definition.settings, env);
  if (!result.ok) {
    // What `check` lists under Warnings (config/warnings.ts): a misspelt name is the likely
    // cause of a problem (SPANER_PROJECT next to a missing SPANNER_PROJECT).
    const warnings = configWarnings(definition.settings, env);
    // Each problem is a sentence that names its variable (config/load.ts): not prefixed with it again.
    const lines = result.problems.map((p) => `  - ${p.message}`);
    const warned = warnings.length === 0 ? [] : ['Warnings:', ...warnings.map((w) => `  - ${w.message}`)];
    process.stderr.write(
      `${[`${definition.name} adaptor cannot start; fix these settings:`, ...lines, ...warned].join('\n')}\n`,
    );
    process.exitCode = 1;
    return;
  }
  const config = result.config as ConfigOf<S> & CoreConfig;
  // Error Reporting groups errors by serviceContext; every line says which service and release wrote it.
  const logger = createLogger({
    level: config.logLevel,
    base: { serviceContext: { service: `wix-gcp-adaptors-${definition.name}`, version } },
  });
  // The keys the config check parsed (auth/keys.ts keeps the last text's), as Node KeyObjects:
  // the verifier's fast path checks signatures on KeyObjects, and jose, for the calls that path
  // leaves to it, turns each into a Web Crypto key on its first use (and keeps it). Importing
  // them into Web Crypto here (loadPublicKeys) cost ~4 ms of every start, most of it loading
  // Node's webcrypto modules, for a key form a valid call never uses.
  const keys = parsePublicKeys(config.wixPublicKeys);
  const recorder = new StatusRecorder();
  const verify = createVerifier({
    keys,
    audience: config.wixAudience,
    clockSkewSeconds: config.clockSkewSeconds,
    maxLifetimeSeconds: config.tokenMaxLifetimeSeconds,
    onUnconfiguredAudience: (aud) => {
      recorder.recordAudience(aud);
      logger.log('NOTICE', `WIX_AUDIENCE is not set; accepted a token for audience ${JSON.stringify(aud)}`);
    },
  });
  let storage: Storage;
  try {
    storage = await definition.createStorage(config, logger);
  } catch (error) {
    // Opening the database failed before serving (e.g. an emulator refusing to create an
    // instance with an invalid id): one CRITICAL line that names the cause, and exit 1 —
    // not an unhandled rejection (docs/protocol.md §12: errors say what to do).
    const reason = error instanceof Error ? error.message : String(error);
    logger.log(
      'CRITICAL',
      `${definition.name} adaptor cannot start: opening the database failed: ${reason}. Check the database settings (node dist/main.mjs check) and that the database is reachable.`,
    );
    process.exitCode = 1;
    return;
  }
  // The HTTP server's modules (Fastify: most of the core's code) load only now, once the storage
  // has started what it reads ahead (the schema, Firestore's metadata collection): those reads
  // wait on the network while this loads, instead of starting after it (docs/engines.md §5).
  // In the services' CommonJS bundle this import is a synchronous require: two turns of the
  // event loop first let the storage's requests be made (its pending promise steps) and written
  // once their connections open, which an ES import's own file reads used to give them.
  await nextTurn();
  await nextTurn();
  const { build, serve } = await import('./index.ts');
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
    recorder,
    info: {
      name: definition.name,
      version,
      ...(env.GIT_COMMIT ? { commit: env.GIT_COMMIT.slice(0, 40) } : {}),
      keys: keys.map((k) => ({ alg: k.alg, fingerprint: k.fingerprint })),
      ...(config.wixAudience ? { audience: config.wixAudience } : {}),
      advice: settingsAdvice(config),
      ...(config.statusToken ? { detailsToken: config.statusToken } : {}),
    },
    legacy: { secretKeys: config.legacySecretKeys },
    // The sites allowed to call, checked by the app (server/instances.ts); unset: any site.
    instanceIds: config.wixInstanceIds,
    requestDeadlineMs: config.requestDeadlineMs,
    // In-flight calls take up to a budget of the grace period first; the wait for abandoned
    // work gets at most half of it, so closing still ends before the grace does (serve.ts).
    closeDrainMs: Math.min(config.requestDeadlineMs, (config.shutdownGraceSeconds * 1000) / 2),
  });
  const address = await serve(app, {
    port: config.port,
    host: config.host,
    graceSeconds: config.shutdownGraceSeconds,
    logger,
  });
  logger.log('NOTICE', `${definition.name} adaptor ${version} listening on ${address}`, {
    startupMs: Math.round(performance.now() - started),
    keys: keys.map((k) => `${k.alg} ${k.fingerprint}`),
    legacyMode: config.legacySecretKeys ? 'on' : 'off',
  });
  // What `check` lists under Warnings (config/warnings.ts: a misspelt or foreign setting name, an
  // unpinned secret), told once per start — a moment after `listen`: the walk over every
  // variable's name (edit distances to every setting's) is work the first answer of a cold start
  // need not wait for, and on Cloud Run that request is already waiting when the port opens, so
  // the loop's next turn would still come before it (~5 ms of a BigQuery start, packages/bench).
  setTimeout(() => {
    for (const warning of configWarnings(definition.settings, env)) {
      logger.log('WARNING', warning.message, { setting: warning.name });
    }
  }, WARNINGS_AFTER_LISTEN_MS).unref();
}

/** How long after `listen` the configuration's warnings are logged (see runService). */
const WARNINGS_AFTER_LISTEN_MS = 500;

/** Settings that work but deserve a site owner's attention (the status page lists them). */
function settingsAdvice(config: CoreConfig): { setting: string; message: string }[] {
  const advice: { setting: string; message: string }[] = [];
  if (!config.wixAudience) {
    advice.push({
      setting: 'WIX_AUDIENCE',
      message:
        'not set: a token for any audience is accepted. Set it to your Wix app ID (the audiences seen above show what Wix sends).',
    });
  }
  if (!config.cursorSecret) {
    advice.push({
      setting: 'CURSOR_SECRET',
      message:
        'not set: paging cursors are keyed by the public keys, so a caller who knows them could forge one. Set a random value of 32+ characters from Secret Manager.',
    });
  }
  return advice;
}

/**
 * Without CURSOR_SECRET, cursors are keyed by the configured public keys: every
 * instance of a deployment agrees (cursors survive Cloud Run scaling), but the
 * key is derivable from public material, so set CURSOR_SECRET to make cursors
 * unforgeable by a caller who knows the public key. Keyed by each key's whole
 * SPKI encoding, not by its fingerprint: every 401 names the configured keys'
 * fingerprints (auth/verify.ts, so an owner can tell a wrong key), and a key made
 * of them let anyone who sent one unsigned call sign cursors ("cursor v2"; a cursor
 * of the first version is refused as one to start over from).
 */
export function deriveCursorSecret(keys: readonly VerificationKey[]): string {
  const hash = createHash('sha256').update('wix-gcp-adaptors cursor v2');
  for (const key of keys) hash.update(keyObjectOf(key).export({ type: 'spki', format: 'der' }));
  return hash.digest('hex');
}

/** Resolves after the event loop's next check phase (past one poll for I/O). */
function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
