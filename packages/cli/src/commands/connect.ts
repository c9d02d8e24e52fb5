/**
 * `adaptors connect …`: a site's external database connection through Wix's
 * External Database Connections REST API (docs/connections.md), following the
 * v3 flow of §4.2: create with a name → give the adaptor the connection's
 * publicKey → update with the endpoint → Wix reports connectionStatus.
 *
 * Output: human summaries go to stderr; stdout carries only what a script
 * wants — the `WIX_PUBLIC_KEYS=…` line (create, get), the list table, or the
 * JSON answer with --json. The API key is never printed.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { expectPositionals, parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { parseHttpUrl } from '../http.ts';
import { codeOf, parsePositiveInteger, readJsonObjectArgument } from '../input.ts';
import { CommandError, EXIT, type Io, line, note, printJson, UsageError } from '../output.ts';
import { envLine, serviceKeyValue } from '../public-key.ts';
import { secretManagerWriter, secretParent } from '../secret-manager.ts';
import {
  type Connection,
  type ConnectionsClient,
  createConnectionsClient,
  DEFAULT_API_BASE,
  WixApiError,
} from '../wix-connections.ts';
import {
  checkStandaloneEndpoint,
  createStandalone,
  deliverStandaloneSecret,
  isStandalone,
  masked,
  STANDALONE_CAUSES,
  standaloneConfiguration,
} from './connect-standalone.ts';

const COMMON_HELP = `Connection to Wix (every subcommand):
  WIX_API_KEY (env)    A Wix API key with the "Manage External Database Connections"
                       permission, sent as the Authorization header; never printed
  --api-key-file FILE  Read the API key from a file instead
  --site-id ID         The site (wix-site-id header); default $WIX_SITE_ID
  --api-base URL       API host (default ${DEFAULT_API_BASE}, or $WIX_API_BASE)
  --timeout SECONDS    Give up after this long (default 30)
  --json               Print Wix's JSON answer on stdout; a configuration.secretKey
                       in it is shown as "(hidden)"
  --show-secret        Print configuration.secretKey as it is (create, get, update, list);
                       on get of a STANDALONE connection also LEGACY_SECRET_KEYS=… on stdout`;

const HELP = `Usage: adaptors connect <create|update|get|list|delete> [name] [options]

Manages a site's external database connection (Wix External Database
Connections API, connectionType WIX_SERVICE_PLUGIN; STANDALONE for legacy
sites with create --type standalone, docs/legacy.md). The usual flow:

  1. adaptors connect create recipesDb --write-secret projects/P/secrets/wix-public-keys
       creates the connection (name only) and stores its publicKey where the
       service reads WIX_PUBLIC_KEYS; without --write-secret prints WIX_PUBLIC_KEYS=…
  2. redeploy the service with that key
  3. adaptors connect update recipesDb --endpoint https://recipes-abc-ew.a.run.app
       Wix now calls the adaptor; the answer shows connectionStatus
  4. collections appear in the CMS as recipesDb/<collection>

Subcommands:
  create <name> [--configuration JSON] [--write-secret SECRET]
      Creates the connection without an endpoint (the adaptor needs the key first)
      and delivers its publicKey.
  create <name> --type standalone --endpoint URL [--secret-key KEY] [--write-secret SECRET]
      A legacy (STANDALONE) connection; URL is the service's root, without a path.
      The secret (generated unless given) goes into configuration.secretKey and,
      first, where the service reads LEGACY_SECRET_KEYS (--write-secret, or
      LEGACY_SECRET_KEYS=… on stdout; with --json on stderr, and as
      "generatedSecretKey" in the JSON answer).
  get <name> [--write-secret SECRET] [--show-secret]
      Shows the connection and delivers its publicKey again (key rotation, setup
      on another machine); for a STANDALONE connection, its secret (--write-secret,
      or --show-secret for LEGACY_SECRET_KEYS=… on stdout).
  update <name> [--endpoint URL] [--configuration JSON] [--require-connected]
      Sets the endpoint and/or configuration. Wix replaces the whole connection,
      so a value you do not pass is read first and sent again. A STANDALONE
      connection keeps its configuration.secretKey unless --configuration sets one.
      --require-connected: exit 1 unless Wix reports the connection successful.
  list [--limit N] [--offset N]
      Every connection of the site (all types).
  delete <name> --yes
      Deletes the connection; irreversible (reconnecting means a new connection
      and a new publicKey).

Key delivery (create, get):
  --write-secret SECRET  Add the key as a new version of a Secret Manager secret
                         (projects/P/secrets/S or sm://P/S); needs Google credentials
                         and roles/secretmanager.secretVersionAdder
  (default)              Print WIX_PUBLIC_KEYS=<key> on stdout

${COMMON_HELP}

Exit codes: 0 ok · 1 Wix answered an error (shown on stderr) or could not be
reached, or the key could not be delivered · 2 usage error

Examples:
  export WIX_API_KEY=… WIX_SITE_ID=…
  adaptors connect create recipesDb --configuration '{"tenant":"eu"}' >> .env
  adaptors connect update recipesDb --endpoint https://recipes-abc-ew.a.run.app --require-connected
  adaptors connect get recipesDb --json
  adaptors connect list
  adaptors connect delete recipesDb --yes
`;

const OPTIONS = {
  'api-key-file': { type: 'string' },
  'site-id': { type: 'string' },
  'api-base': { type: 'string' },
  timeout: { type: 'string' },
  json: { type: 'boolean' },
  configuration: { type: 'string' },
  'write-secret': { type: 'string' },
  endpoint: { type: 'string' },
  'require-connected': { type: 'boolean' },
  type: { type: 'string' },
  'secret-key': { type: 'string' },
  limit: { type: 'string' },
  offset: { type: 'string' },
  yes: { type: 'boolean' },
  'show-secret': { type: 'boolean' },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

/** Which options each subcommand takes (the common ones are always allowed). */
const ALLOWED: Readonly<Record<string, readonly (keyof typeof OPTIONS)[]>> = {
  create: ['configuration', 'write-secret', 'type', 'endpoint', 'secret-key', 'show-secret'],
  get: ['write-secret', 'show-secret'],
  update: ['endpoint', 'configuration', 'require-connected', 'show-secret'],
  list: ['limit', 'offset', 'show-secret'],
  delete: ['yes'],
};
const COMMON: readonly (keyof typeof OPTIONS)[] = ['api-key-file', 'site-id', 'api-base', 'timeout', 'json'];

/** docs/connections.md §7: 1–255 characters; allowed characters unconfirmed, so the safe set. */
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

export const connectCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, OPTIONS);
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [sub, ...rest] = positionals;
    if (sub === undefined) throw new UsageError('missing subcommand: create, update, get, list or delete');
    const allowed = ALLOWED[sub];
    if (!allowed) throw new UsageError(`unknown subcommand "${sub}"; one of create, update, get, list, delete`);
    for (const key of Object.keys(values) as (keyof typeof OPTIONS | 'help')[]) {
      if (key !== 'help' && !allowed.includes(key) && !COMMON.includes(key)) {
        throw new UsageError(`--${key} does not apply to connect ${sub}`);
      }
    }
    const name = sub === 'list' ? undefined : connectionName(expectPositionals(rest, ['name'])[0]!);
    if (sub === 'list') expectPositionals(rest, []);

    switch (sub) {
      case 'create':
        return create(io, values, name!);
      case 'get':
        return get(io, values, name!);
      case 'update':
        return update(io, values, name!);
      case 'list':
        return list(io, values);
      default:
        return remove(io, values, name!);
    }
  },
};

async function create(io: Io, values: Values, name: string): Promise<number> {
  const parent = values['write-secret'] === undefined ? undefined : secretParent(values['write-secret']);
  const configuration =
    values.configuration === undefined
      ? undefined
      : await readJsonObjectArgument(io, values.configuration, '--configuration');
  const type = (values.type ?? 'service-plugin').toLowerCase();
  if (type === 'standalone') {
    return createStandalone(
      io,
      {
        name,
        endpoint: values.endpoint === undefined ? undefined : endpointUrl(io, values.endpoint),
        configuration,
        secretKey: values['secret-key'],
        secretParent: parent,
        json: values.json === true,
        showSecret: values['show-secret'] === true,
      },
      {
        client: () => clientFor(io, values),
        wix: (call, n) => wix(call, n),
        summarise: (connection) => summarise(io, connection),
        printJson: (value) => printJson(io, value),
      },
    );
  }
  if (type !== 'service-plugin')
    throw new UsageError(`--type must be service-plugin or standalone, got "${values.type}"`);
  if (values.endpoint !== undefined || values['secret-key'] !== undefined) {
    throw new UsageError(
      '--endpoint and --secret-key on create are for --type standalone; a service-plugin connection gets its endpoint with `connect update`',
    );
  }
  const client = await clientFor(io, values);
  const connection = await wix(() => client.create({ name, ...(configuration ? { configuration } : {}) }), name);
  note(io, `Created connection "${name}" (WIX_SERVICE_PLUGIN).`);
  if (values.json) printJson(io, { externalDatabaseConnection: shown(values, connection) });
  summarise(io, connection);
  await deliverKey(io, connection, parent, values.json === true);
  note(io);
  note(io, 'Next: give the adaptor this key (WIX_PUBLIC_KEYS) and redeploy it, then');
  note(io, `  adaptors connect update ${name} --endpoint https://<your adaptor's URL>`);
  return EXIT.ok;
}

async function get(io: Io, values: Values, name: string): Promise<number> {
  const parent = values['write-secret'] === undefined ? undefined : secretParent(values['write-secret']);
  const client = await clientFor(io, values);
  const connection = await wix(() => client.get(name), name);
  if (values.json) printJson(io, { externalDatabaseConnection: shown(values, connection) });
  summarise(io, connection);
  const show = { json: values.json === true, showSecret: values['show-secret'] === true };
  if (await deliverStandaloneSecret(io, connection, parent, show)) return EXIT.ok;
  await deliverKey(io, connection, parent, values.json === true);
  return EXIT.ok;
}

async function update(io: Io, values: Values, name: string): Promise<number> {
  if (values.endpoint === undefined && values.configuration === undefined) {
    throw new UsageError('nothing to update: pass --endpoint URL and/or --configuration JSON');
  }
  const endpoint = values.endpoint === undefined ? undefined : endpointUrl(io, values.endpoint);
  let configuration =
    values.configuration === undefined
      ? undefined
      : await readJsonObjectArgument(io, values.configuration, '--configuration');
  const client = await clientFor(io, values);
  let keptEndpoint: string | undefined;
  // Update replaces the whole connection (docs/connections.md §1): read it first, to resend what
  // the caller did not change, and for its type (a STANDALONE connection keeps its secretKey).
  const current = await wix(() => client.get(name), name);
  if (endpoint !== undefined && isStandalone(current)) checkStandaloneEndpoint(endpoint);
  if (configuration === undefined && current.configuration !== undefined) {
    configuration = current.configuration;
    note(io, `Keeping the current configuration (${Object.keys(configuration).length} keys): update replaces it.`);
  } else if (configuration !== undefined && isStandalone(current)) {
    configuration = standaloneConfiguration(io, configuration, current);
  }
  if (endpoint === undefined && typeof current.endpoint === 'string' && current.endpoint !== '') {
    keptEndpoint = current.endpoint;
    note(io, `Keeping the current endpoint ${keptEndpoint}: update replaces it.`);
  }
  const connection = await wix(
    () =>
      client.update(name, {
        ...((endpoint ?? keptEndpoint) !== undefined ? { endpoint: endpoint ?? keptEndpoint } : {}),
        ...(configuration !== undefined ? { configuration } : {}),
      }),
    name,
  );
  note(io, `Updated connection "${name}".`);
  if (values.json) printJson(io, { externalDatabaseConnection: shown(values, connection) });
  summarise(io, connection);
  if (values['require-connected'] && connection.connectionStatus?.successful !== true) {
    note(io, 'Wix does not report the connection as successful (--require-connected).');
    return EXIT.failed;
  }
  return EXIT.ok;
}

async function list(io: Io, values: Values): Promise<number> {
  const paging = {
    ...(values.limit !== undefined ? { limit: parsePositiveInteger(values.limit, '--limit') } : {}),
    ...(values.offset !== undefined ? { offset: nonNegative(values.offset, '--offset') } : {}),
  };
  const client = await clientFor(io, values);
  const answer = await wix(() => client.list(paging), undefined);
  if (values.json) {
    const connections = answer.externalDatabaseConnections.map((c) => shown(values, c));
    printJson(io, { ...answer, externalDatabaseConnections: connections });
    return EXIT.ok;
  }
  const rows = answer.externalDatabaseConnections.map((c) => [
    c.name,
    typeof c.endpoint === 'string' && c.endpoint !== '' ? c.endpoint : '(no endpoint)',
    statusWord(c),
  ]);
  const header = ['NAME', 'ENDPOINT', 'STATUS'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  for (const row of [header, ...rows])
    line(
      io,
      row
        .map((cell, i) => cell.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    );
  const total = answer.pagingMetadata?.total;
  note(
    io,
    `${rows.length} connection${rows.length === 1 ? '' : 's'}${typeof total === 'number' ? ` of ${total}` : ''}.`,
  );
  return EXIT.ok;
}

async function remove(io: Io, values: Values, name: string): Promise<number> {
  if (!values.yes) {
    throw new UsageError(
      `deleting "${name}" is irreversible (a new connection gets a new publicKey); add --yes to confirm`,
    );
  }
  const client = await clientFor(io, values);
  await wix(() => client.delete(name), name);
  note(io, `Deleted connection "${name}". Its collections are gone from the site; the adaptor is untouched.`);
  return EXIT.ok;
}

/** The connection as --json prints it: configuration.secretKey masked unless --show-secret. */
function shown(values: Values, connection: Connection): Connection {
  return values['show-secret'] ? connection : masked(connection);
}

async function clientFor(io: Io, values: Values): Promise<ConnectionsClient> {
  const apiKey = await apiKeyOf(io, values['api-key-file']);
  const apiBaseText = values['api-base'] ?? io.env.WIX_API_BASE ?? DEFAULT_API_BASE;
  try {
    parseHttpUrl(apiBaseText, '--api-base');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const siteId = values['site-id'] ?? io.env.WIX_SITE_ID;
  return createConnectionsClient({
    apiBase: apiBaseText,
    apiKey,
    ...(siteId ? { siteId } : {}),
    fetch: io.fetch,
    ...(values.timeout !== undefined ? { timeoutSeconds: parsePositiveInteger(values.timeout, '--timeout') } : {}),
  });
}

async function apiKeyOf(io: Io, file: string | undefined): Promise<string> {
  let key: string | undefined;
  if (file !== undefined) {
    try {
      key = (await readFile(resolve(io.cwd, file), 'utf8')).trim();
    } catch (err) {
      throw new UsageError(`--api-key-file ${file}: cannot read it (${codeOf(err)})`);
    }
    if (key === '') throw new UsageError(`--api-key-file ${file} is empty`);
    return key;
  }
  key = io.env.WIX_API_KEY?.trim();
  if (!key) {
    throw new UsageError(
      'no Wix API key: set WIX_API_KEY (or pass --api-key-file FILE) to an API key with the ' +
        '"Manage External Database Connections" permission, and WIX_SITE_ID to the site',
    );
  }
  return key;
}

/** Runs one API call; a Wix error becomes exit 1 with Wix's message and what to do about it. */
async function wix<T>(call: () => Promise<T>, name: string | undefined): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof WixApiError)) throw err;
    throw new CommandError(`Wix answered ${err.message}${hintFor(err.status, name)}`);
  }
}

function hintFor(status: number, name: string | undefined): string {
  switch (status) {
    case 401:
    case 403:
      return '\nCheck WIX_API_KEY (an API key with the "Manage External Database Connections" permission) and WIX_SITE_ID (the site the key may manage).';
    case 404:
      return name ? `\nNo connection "${name}" on this site? See \`adaptors connect list\`.` : '';
    case 409:
      return name ? `\nA connection "${name}" exists already: \`adaptors connect get ${name}\` reads its key.` : '';
    default:
      return '';
  }
}

function connectionName(value: string): string {
  if (!NAME.test(value)) {
    throw new UsageError(
      `connection name "${value}" must be 1–255 letters, digits, _ or - (it prefixes every collection id: ${value}/<collection>)`,
    );
  }
  return value;
}

/** docs/connections.md §6: the service base URL; Wix appends /v3/… itself (STANDALONE: checkStandaloneEndpoint). */
function endpointUrl(io: Io, value: string): string {
  let url: URL;
  try {
    url = parseHttpUrl(value, '--endpoint');
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  if (/\/v3\/?$/.test(url.pathname)) {
    throw new UsageError(`--endpoint is the adaptor's base URL; Wix appends /v3/… itself (drop "/v3")`);
  }
  if (url.protocol !== 'https:')
    note(io, 'Warning: Wix calls adaptors over public HTTPS; an http:// endpoint only works for tests.');
  return value.replace(/\/+$/, '');
}

function nonNegative(value: string, option: string): number {
  if (!/^(0|[1-9][0-9]{0,8})$/.test(value))
    throw new UsageError(`${option} must be a whole number ≥ 0, got "${value}"`);
  return Number(value);
}

/** docs/connections.md §3, with what to do for each cause (a v3 connection; STANDALONE_CAUSES for legacy). */
const CAUSES: Readonly<Record<string, string>> = {
  DESTINATION_ENDPOINT_NOT_DEFINED: 'no endpoint yet; set it with `adaptors connect update <name> --endpoint URL`',
  UNAUTHORIZED:
    "the adaptor refused Wix's signed call; set its WIX_PUBLIC_KEYS to this connection's publicKey " +
    '(`adaptors connect get <name>`), redeploy, and check WIX_AUDIENCE',
  DESTINATION_HOST_UNREACHABLE:
    "Wix could not reach the host; check the URL, and that Cloud Run lets callers without a Google identity in (the service's invoker IAM check disabled, or allUsers as invoker)",
  COMMUNICATION_FAILURE: 'Wix could not talk to the adaptor (TLS, timeout or a non-JSON answer); check its logs',
};

function statusWord(connection: Connection): string {
  const status = connection.connectionStatus;
  if (!status) return 'unknown';
  if (status.successful) return `connected (collections: ${status.hasCollections ?? 'UNKNOWN'})`;
  return `not connected (${status.causeOfFailure ?? 'UNKNOWN'})`;
}

function summarise(io: Io, connection: Connection): void {
  const status = connection.connectionStatus;
  note(io, `  name        ${connection.name}`);
  note(
    io,
    `  endpoint    ${typeof connection.endpoint === 'string' && connection.endpoint !== '' ? connection.endpoint : '(not set)'}`,
  );
  note(io, `  status      ${statusWord(connection)}`);
  const failure = status && !status.successful ? (status.causeOfFailure ?? '') : undefined;
  const cause =
    failure === undefined
      ? undefined
      : ((isStandalone(connection) ? STANDALONE_CAUSES[failure] : undefined) ?? CAUSES[failure]);
  if (cause) note(io, `              ${cause.replace('<name>', connection.name)}`);
  if (status?.successful && status.hasCollections === 'NO') {
    note(io, '              the adaptor exposes no collections yet (create tables, or collections from the CMS)');
  }
}

/** docs/connections.md §4.2 step 3: the connection's publicKey, where the service reads WIX_PUBLIC_KEYS. */
async function deliverKey(io: Io, connection: Connection, parent: string | undefined, json: boolean): Promise<void> {
  const publicKey = typeof connection.publicKey === 'string' ? connection.publicKey.trim() : '';
  if (publicKey === '') {
    throw new CommandError(
      `Wix's answer for "${connection.name}" has no publicKey (only WIX_SERVICE_PLUGIN connections have one); nothing to deliver`,
    );
  }
  let key: { value: string; description: string };
  try {
    key = await serviceKeyValue(publicKey);
  } catch (err) {
    throw new CommandError(
      `the connection's publicKey is not a key the adaptor accepts (${(err as Error).message}); see it with --json`,
    );
  }
  note(io, `  public key  ${key.description}`);
  if (parent !== undefined) {
    const writer = io.secrets ?? secretManagerWriter();
    let version: string;
    try {
      version = await writer.addVersion(parent, key.value);
    } catch (err) {
      // The connection exists from here on, so the same command again is Wix's 409: say so, print
      // the key (it is public) and the command that delivers it once the cause is fixed.
      if (!json) line(io, envLine(key.value));
      throw new CommandError(
        `${(err as Error).message.replace(/\.$/, '')}. The connection "${connection.name}" exists (Wix made it): once that is fixed, deliver its key with \`adaptors connect get ${connection.name} --write-secret ${parent}\`, or give the service the WIX_PUBLIC_KEYS line printed above`,
      );
    }
    const [, project, , secret] = parent.split('/');
    note(io, `Added ${version}.`);
    const number = version.split('/').pop();
    // Pinned like infra/ pins secrets: a rollback keeps the key its revision was deployed with.
    note(io, `The service reads it with WIX_PUBLIC_KEYS=sm://${project}/${secret}/${number} (resolved at startup),`);
    note(io, `or on Cloud Run with --set-secrets WIX_PUBLIC_KEYS=${secret}:${number}; redeploy it to pick it up.`);
    return;
  }
  if (!json) line(io, envLine(key.value));
}
