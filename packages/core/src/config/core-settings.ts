/**
 * Settings every adaptor service reads (docs/protocol.md §2.4 for keys and
 * audience, §2.1 for the body limit; Cloud Run facts in docs/engines.md §5).
 * Services spread these into their own `defineSettings({ ...coreSettings, … })`.
 */

import { parsePublicKeys } from '../auth/keys.ts';
import { parseAccessPolicy } from '../auth/policy.ts';
import { DEFAULT_REQUEST_DEADLINE_MS } from '../deadline.ts';
import { parseLegacySecrets } from '../legacy/secret.ts';
import { parseInstanceIds } from '../server/instances.ts';
import { decimal, integer, list, oneOf, text } from './parsers.ts';
import { defineSettings, setting } from './settings.ts';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const coreSettings = defineSettings({
  port: setting({
    name: 'PORT',
    description: 'TCP port to listen on; Cloud Run sets it. 0 picks a free port (tests, benchmarks).',
    default: '8080',
    parse: integer({ min: 0, max: 65535 }),
  }),
  host: setting({
    name: 'HOST',
    description: 'Interface to listen on; Cloud Run needs 0.0.0.0.',
    default: '0.0.0.0',
    parse: text(),
  }),
  wixPublicKeys: setting({
    name: 'WIX_PUBLIC_KEYS',
    description:
      "Public key(s) that verify Wix's signed calls: the app's public key (app dashboard) or the connection's publicKey. PEM, base64 of PEM, or base64 DER; several keys separated by commas for rotation.",
    required: true,
    // Validated here so a bad key is reported with the other config problems; the server
    // takes the keys with parsePublicKeys(config.wixPublicKeys), which returns this parse's.
    parse: (value) => {
      parsePublicKeys(value);
      return value;
    },
    summarize: (value) => {
      const keys = parsePublicKeys(value);
      return `${keys.length} key${keys.length === 1 ? '' : 's'}: ${keys.map((k) => `${k.alg} ${k.fingerprint}`).join(', ')}`;
    },
  }),
  wixAudience: setting({
    name: 'WIX_AUDIENCE',
    description:
      'Expected token audience (aud): the Wix app ID, comma-separated if several. Unset: any audience is accepted and the observed one is logged once.',
    parse: list(),
  }),
  wixInstanceIds: setting({
    name: 'WIX_INSTANCE_IDS',
    description:
      "Wix sites allowed to call: their site instance ids (the signed metadata.instanceId; a legacy call's requestContext.instanceId), comma-separated. A call from any other site, or without an instance id, is refused with 403. Unset: every site whose calls verify with WIX_PUBLIC_KEYS may read and write the data (with an app's key, every site that installs the app); the ids seen are on the status page and in each call's log line.",
    parse: parseInstanceIds,
    summarize: (ids) => `${ids.length} site${ids.length === 1 ? '' : 's'}: ${ids.join(', ')}`,
  }),
  clockSkewSeconds: setting({
    name: 'CLOCK_SKEW_SECONDS',
    description: 'Clock difference tolerated when checking token exp/iat/nbf.',
    default: '60',
    parse: integer({ min: 0, max: 600 }),
  }),
  tokenMaxLifetimeSeconds: setting({
    name: 'TOKEN_MAX_LIFETIME_SECONDS',
    description:
      'Longest token lifetime accepted: exp may be at most this far after iat and after now (plus the clock skew). Wix signs each call with a short-lived token; a longer-lived one could be replayed until it expires.',
    default: '3600',
    parse: integer({ min: 60, max: 86400 }),
  }),
  bodyLimitMb: setting({
    name: 'BODY_LIMIT_MB',
    description:
      'Largest request body accepted, in MB. Wix sends up to 6 MB of request, base64url-encoded inside the token (×4/3): keep at least 8.',
    default: '16',
    parse: decimal({ min: 1, max: 32 }),
  }),
  logLevel: setting({
    name: 'LOG_LEVEL',
    description: `Log level: ${LOG_LEVELS.join(', ')}.`,
    default: 'info',
    parse: oneOf(LOG_LEVELS),
  }),
  cursorSecret: setting({
    name: 'CURSOR_SECRET',
    description:
      'Key that signs paging cursors (at least 32 characters). Unset: derived from WIX_PUBLIC_KEYS, so every instance agrees but a caller who knows the public key could forge a cursor; set it in production.',
    secret: true,
    parse: text({ minLength: 32 }),
  }),
  accessPolicy: setting({
    name: 'ACCESS_POLICY',
    description:
      'Optional JSON policy limiting read/write/schema access per collection and caller identity type (see packages/core/src/auth/README.md). Unset: off.',
    parse: parseAccessPolicy,
    summarize: (policy) => `${policy.rules.size} collection rule${policy.rules.size === 1 ? '' : 's'}`,
  }),
  legacySecretKeys: setting({
    name: 'LEGACY_SECRET_KEYS',
    description:
      "Turns on the legacy External Database Collections protocol (STANDALONE connections: paths /provision, /schemas/…, /data/…) next to v3. The connection's configuration.secretKey; several keys separated by commas for rotation, each at least 16 characters. Unset: legacy mode off (see docs/legacy.md).",
    secret: true,
    parse: parseLegacySecrets,
  }),
  googleCloudProject: setting({
    name: 'GOOGLE_CLOUD_PROJECT',
    description: 'Google Cloud project id; used to link log lines to Cloud Trace.',
    parse: text(),
  }),
  statusToken: setting({
    name: 'STATUS_TOKEN',
    description:
      'Unlocks the details of the status page (GET /, GET /status.json) — key fingerprints, audiences and site instances seen, settings advice, error counts and recent errors, the last refused call, legacy mode, collections, index and backfill hints — and its self-test button (a round trip on a throwaway collection); sent as Authorization: Bearer or through the page. A wrong token is answered 401. At least 16 characters. Unset: the page shows only the release and whether the database answers, and offers no self-test.',
    secret: true,
    parse: text({ minLength: 16 }),
  }),
  maxInstances: setting({
    name: 'MAX_INSTANCES',
    description:
      "The most instances of this service Cloud Run may run (Terraform sets it from max_instances). With CONCURRENCY, what the service checks its database's limits against at start (DEPLOY.md 'Sizing').",
    default: '10',
    parse: integer({ min: 1, max: 1000 }),
  }),
  concurrency: setting({
    name: 'CONCURRENCY',
    description:
      "Requests one instance serves at once (Terraform sets it from concurrency: Cloud Run's max_instance_request_concurrency). Checked with MAX_INSTANCES at start (DEPLOY.md 'Sizing').",
    default: '80',
    parse: integer({ min: 1, max: 1000 }),
  }),
  requestDeadlineMs: setting({
    name: 'REQUEST_DEADLINE_MS',
    description:
      "Budget of one call, in ms, below Wix's patience: every database call gets the time left, and a call that runs out answers 504 DEADLINE_EXCEEDED (a write: outcome unknown, read it back). Raise it for slow schema changes.",
    default: String(DEFAULT_REQUEST_DEADLINE_MS),
    parse: integer({ min: 100, max: 600000 }),
  }),
  shutdownGraceSeconds: setting({
    name: 'SHUTDOWN_GRACE_SECONDS',
    description: 'Time to drain requests after SIGTERM; Cloud Run allows about 10 s.',
    default: '8',
    parse: integer({ min: 0, max: 3600 }),
  }),
});
