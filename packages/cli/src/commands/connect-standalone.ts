/**
 * `adaptors connect create <name> --type standalone`: a legacy External
 * Database Collections connection (docs/connections.md §4.1; packages/core/src/legacy/README.md).
 * Wix sends the connection's configuration as requestContext.settings on every
 * call, so the secret lives in `configuration.secretKey`, and the adaptor reads
 * the same value from LEGACY_SECRET_KEYS. The secret is delivered before the
 * connection is created (Wix calls /provision at once), so it is never lost.
 */
import { randomBytes } from 'node:crypto';
import { parseLegacySecrets } from '@adaptors/core';
import { EXIT, type Io, line, note, UsageError } from '../output.ts';
import { secretManagerWriter } from '../secret-manager.ts';
import { type Connection, type ConnectionsClient, STANDALONE } from '../wix-connections.ts';

export interface StandaloneInput {
  readonly name: string;
  readonly endpoint: string | undefined;
  readonly configuration: Record<string, unknown> | undefined;
  readonly secretKey: string | undefined;
  /** Secret Manager parent (projects/P/secrets/S) to add the secret to. */
  readonly secretParent: string | undefined;
  readonly json: boolean;
  /** --show-secret: the JSON answer keeps configuration.secretKey. */
  readonly showSecret: boolean;
}

export interface StandaloneDeps {
  client(): Promise<ConnectionsClient>;
  wix<T>(call: () => Promise<T>, name: string): Promise<T>;
  summarise(connection: Connection): void;
  printJson(value: unknown): void;
}

export async function createStandalone(io: Io, input: StandaloneInput, deps: StandaloneDeps): Promise<number> {
  if (input.endpoint === undefined) {
    throw new UsageError(
      'a STANDALONE (legacy) connection needs --endpoint: Wix provisions it as soon as it is created',
    );
  }
  checkStandaloneEndpoint(input.endpoint);
  const configured = input.configuration?.secretKey;
  if (configured !== undefined && input.secretKey !== undefined && configured !== input.secretKey) {
    throw new UsageError('--configuration has a secretKey that differs from --secret-key; pass one of them');
  }
  const given =
    input.secretKey ?? (configured === undefined ? undefined : checkSecretKey(configured, '--configuration secretKey'));
  const secretKey = given ?? randomBytes(32).toString('base64url');
  checkSecretKey(secretKey, '--secret-key');

  // Deliver first: if Wix's answer fails, the secret the adaptor needs is still stored.
  if (input.secretParent !== undefined) {
    const writer = io.secrets ?? secretManagerWriter();
    const version = await writer.addVersion(input.secretParent, secretKey);
    const [, project, , secret] = input.secretParent.split('/');
    note(io, `Added ${version}.`);
    const number = version.split('/').pop();
    // Pinned like infra/ pins secrets: a rollback keeps the secret its revision was deployed with.
    note(io, `The service reads it with LEGACY_SECRET_KEYS=sm://${project}/${secret}/${number}, or on Cloud Run with`);
    note(io, `--set-secrets LEGACY_SECRET_KEYS=${secret}:${number}; redeploy it to pick it up.`);
  } else if (given === undefined && !input.json) {
    line(io, `LEGACY_SECRET_KEYS=${secretKey}`);
  } else if (given === undefined) {
    // --json keeps stdout for one JSON document (packages/cli/README.md), so the generated
    // secret goes to stderr, still before Wix is called (docs/legacy.md step 3: delivered
    // first), and into the JSON answer as generatedSecretKey.
    note(
      io,
      'Generated secret (store it: the service needs it in LEGACY_SECRET_KEYS; also "generatedSecretKey" below):',
    );
    note(io, `LEGACY_SECRET_KEYS=${secretKey}`);
  }

  const client = await deps.client();
  const connection = await deps.wix(
    () =>
      client.create({
        name: input.name,
        connectionType: STANDALONE,
        endpoint: input.endpoint,
        configuration: { ...(input.configuration ?? {}), secretKey },
      }),
    input.name,
  );
  note(io, `Created connection "${input.name}" (STANDALONE, legacy protocol).`);
  const generated = given === undefined && input.secretParent === undefined;
  if (input.json) {
    deps.printJson({
      externalDatabaseConnection: input.showSecret ? connection : masked(connection),
      ...(generated ? { generatedSecretKey: secretKey } : {}),
    });
  }
  deps.summarise(masked(connection));
  if (connection.connectionStatus?.successful !== true) {
    const where =
      input.secretParent !== undefined
        ? 'the Secret Manager version added above'
        : given === undefined
          ? 'the LEGACY_SECRET_KEYS=… line printed above'
          : 'the secret you passed';
    note(io);
    note(io, `Wix could not provision the adaptor yet. Deploy it with LEGACY_SECRET_KEYS holding ${where}`);
    note(io, '(add it after the current keys, comma-separated, to rotate without downtime), then re-check with');
    note(io, `  adaptors connect update ${input.name} --endpoint ${input.endpoint}`);
  }
  return EXIT.ok;
}

/**
 * Wix's answer names no connection type (docs/connections.md §2): a STANDALONE connection is
 * the one without a publicKey, which only WIX_SERVICE_PLUGIN connections have.
 */
export function isStandalone(connection: Connection): boolean {
  return typeof connection.publicKey !== 'string' || connection.publicKey.trim() === '';
}

/**
 * Wix posts legacy calls to <endpoint>/provision, /schemas/…, /data/…, and the service matches
 * those paths only at its root (packages/core/src/legacy/README.md: no legacy calls behind a
 * path prefix), so the endpoint must be the bare service URL, as the v3 one must not end in /v3.
 */
export function checkStandaloneEndpoint(endpoint: string): void {
  const url = new URL(endpoint);
  if (url.pathname === '/' && url.search === '' && url.hash === '') return;
  throw new UsageError(
    `--endpoint of a STANDALONE connection is the service's root URL: the legacy paths (/provision, /schemas/…, /data/…) ` +
      `are served only there; use ${url.origin} (drop "${url.pathname}${url.search}${url.hash}")`,
  );
}

/**
 * docs/connections.md §3 for a STANDALONE connection, where it differs from the v3 advice:
 * the legacy protocol is checked with the shared secret, not a publicKey (docs/legacy.md).
 */
export const STANDALONE_CAUSES: Readonly<Record<string, string>> = {
  UNAUTHORIZED:
    "the adaptor refused Wix's call; its LEGACY_SECRET_KEYS must hold this connection's " +
    'configuration.secretKey (`adaptors connect get <name> --show-secret` prints it): redeploy with it, ' +
    'and check the startup log says legacyMode "on"',
};

/**
 * A secret the service would accept in LEGACY_SECRET_KEYS: its own rule (parseLegacySecrets,
 * packages/core/src/legacy/secret.ts: at least MIN_SECRET_LENGTH characters), no comma (the
 * setting separates keys with commas), no edge spaces (it trims each key, the comparison would not).
 */
export function checkSecretKey(value: unknown, option: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`${option} must be a non-empty string: the secret the service holds in LEGACY_SECRET_KEYS`);
  }
  if (value.includes(',')) {
    throw new UsageError(`${option} must not contain a comma (LEGACY_SECRET_KEYS separates keys with commas)`);
  }
  if (value.trim() !== value) {
    throw new UsageError(`${option} must not start or end with spaces (LEGACY_SECRET_KEYS trims its keys)`);
  }
  try {
    parseLegacySecrets(value);
  } catch (err) {
    throw new UsageError(`${option} ${(err as Error).message.replace(/^key 1 /, '')}`);
  }
  return value;
}

/**
 * The configuration `update` sends to a STANDALONE connection. Update replaces the whole
 * configuration (docs/connections.md §1), and without configuration.secretKey every legacy
 * call is refused (docs/legacy.md), so the current secret is kept unless the new
 * configuration sets one; a new one must be a secret the service accepts.
 */
export function standaloneConfiguration(
  io: Io,
  configuration: Record<string, unknown>,
  current: Connection,
): Record<string, unknown> {
  if ('secretKey' in configuration) {
    checkSecretKey(configuration.secretKey, '--configuration secretKey');
    return configuration;
  }
  const kept = (current.configuration as Record<string, unknown> | undefined)?.secretKey;
  if (typeof kept !== 'string' || kept === '') return configuration;
  note(io, 'Keeping the current configuration.secretKey (the secret LEGACY_SECRET_KEYS must hold): update');
  note(io, 'replaces the configuration; pass "secretKey" in --configuration to rotate it.');
  return { ...configuration, secretKey: kept };
}

/**
 * `get` on a STANDALONE connection: there is no publicKey; the secret is configuration.secretKey.
 * It is delivered like a publicKey (--write-secret), or printed as the env line only when asked
 * (--show-secret): unlike a publicKey it is a secret.
 */
export async function deliverStandaloneSecret(
  io: Io,
  connection: Connection,
  secretParent: string | undefined,
  show: { readonly json: boolean; readonly showSecret: boolean },
): Promise<boolean> {
  const secretKey = (connection.configuration as Record<string, unknown> | undefined)?.secretKey;
  if (!isStandalone(connection)) return false;
  if (typeof secretKey !== 'string' || secretKey === '') return false;
  note(io, '  type        STANDALONE (legacy protocol): no publicKey; the adaptor checks configuration.secretKey');
  note(io, '              against LEGACY_SECRET_KEYS');
  if (secretParent !== undefined) {
    const writer = io.secrets ?? secretManagerWriter();
    note(io, `Added ${await writer.addVersion(secretParent, secretKey)}.`);
  } else if (show.showSecret && !show.json) {
    line(io, `LEGACY_SECRET_KEYS=${secretKey}`);
  } else if (!show.showSecret) {
    note(io, '              (--show-secret prints it as LEGACY_SECRET_KEYS=…; --write-secret SECRET stores it)');
  }
  return true;
}

/**
 * Answers are printed without configuration.secretKey unless --show-secret: the secret is in
 * the Secret Manager or the env line already, and a JSON answer often ends up in logs.
 */
export function masked(connection: Connection): Connection {
  const configuration = connection.configuration as Record<string, unknown> | undefined;
  if (!configuration || !('secretKey' in configuration)) return connection;
  return { ...connection, configuration: { ...configuration, secretKey: '(hidden)' } };
}
