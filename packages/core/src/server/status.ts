/**
 * What the status page (`GET /`, `GET /status.json`) tells a site owner: which
 * release runs, whether the database answers and why not, which keys and
 * audiences are in play, what the settings advise, and what went wrong lately.
 *
 * Two levels, decided once here:
 * - the public summary is what a health check shows (docs/protocol.md §8: no
 *   configuration in public pages): the service, its release, whether the
 *   database answers (the reason /readyz gives too), and how to see the rest;
 * - the details — key fingerprints, audiences, site instances, settings advice, error counts
 *   and recent error messages, why the last call was refused, whether legacy
 *   mode is on, collections, index and backfill hints — need the
 *   `STATUS_TOKEN` setting, sent as `Authorization: Bearer <token>` or through
 *   the page's form. Without the setting, details are never shown; a token
 *   that does not match is answered 401 with only the public summary.
 * No item value, token or secret is recorded, so none can be shown.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Adaptor } from '../adaptor/adaptor.ts';
import { describeCollection } from '../capabilities.ts';
import { newDeadline, runWithDeadline } from '../deadline.ts';
import { SpiError } from '../errors.ts';
import type { BackfillHint, IndexHint } from '../storage.ts';
import { shownInstanceId } from './instances.ts';
import { checkReadiness } from './readiness.ts';

/** What the running service knows about itself (runService fills it). */
export interface ServiceInfo {
  readonly name: string;
  readonly version: string;
  /** The commit the image was built from (GIT_COMMIT, baked in by the release build). */
  readonly commit?: string;
  readonly keys: readonly { readonly alg: string; readonly fingerprint: string }[];
  /** WIX_AUDIENCE; undefined: any audience is accepted. */
  readonly audience?: readonly string[];
  /** WIX_INSTANCE_IDS (server/instances.ts); undefined: any site holding the key may call. */
  readonly instanceIds?: readonly string[];
  /** Settings that work but deserve attention, with what to do. */
  readonly advice: readonly { readonly setting: string; readonly message: string }[];
  /** STATUS_TOKEN: unlocks the details. */
  readonly detailsToken?: string;
}

export interface RecentError {
  readonly at: string;
  readonly operation: string;
  readonly status: number;
  readonly code: string;
  readonly message: string;
}

const RECENT_LIMIT = 20;
const AUDIENCE_LIMIT = 10;
/** Distinct site instances kept: enough for an owner to find theirs among the app's installs. */
const INSTANCE_LIMIT = 20;
/** How a call without an instance id shows among those seen. */
export const NO_INSTANCE = '(none)';

/** Counters and a short memory of what went wrong; cheap enough for every answer. */
export class StatusRecorder {
  readonly started = new Date().toISOString();
  #byCode = new Map<string, number>();
  #recent: RecentError[] = [];
  #lastUnauthorized: { at: string; reason: string } | undefined;
  #audiences = new Set<string>();
  #instances = new Set<string>();

  recordError(operation: string, status: number, code: string, message: string): void {
    this.#byCode.set(code, (this.#byCode.get(code) ?? 0) + 1);
    const at = new Date().toISOString();
    this.#recent.push({ at, operation, status, code, message: message.slice(0, 300) });
    if (this.#recent.length > RECENT_LIMIT) this.#recent.shift();
    if (status === 401) this.#lastUnauthorized = { at, reason: message.slice(0, 300) };
  }

  recordAudience(aud: string | readonly string[] | undefined): void {
    if (this.#audiences.size >= AUDIENCE_LIMIT) return;
    for (const one of aud === undefined ? ['(none)'] : typeof aud === 'string' ? [aud] : aud) {
      this.#audiences.add(one.slice(0, 100));
    }
  }

  /**
   * Notes the site instance of an authenticated call (a verified token, or a legacy call with
   * the right secret: server/app.ts `admitSite`, legacy/routes.ts; an unauthenticated caller
   * cannot fill the list). The id is kept whole up to the longest WIX_INSTANCE_IDS accepts
   * (instances.ts `shownInstanceId`), so the owner can copy it. True when it is new, so the
   * caller can log it once; a Set lookup otherwise, cheap enough for every call.
   */
  recordInstance(instanceId: string | undefined): boolean {
    const shown = instanceId === undefined || instanceId === '' ? NO_INSTANCE : shownInstanceId(instanceId);
    if (this.#instances.has(shown) || this.#instances.size >= INSTANCE_LIMIT) return false;
    this.#instances.add(shown);
    return true;
  }

  get errorsByCode(): Readonly<Record<string, number>> {
    return Object.fromEntries([...this.#byCode.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  }
  get recent(): readonly RecentError[] {
    return [...this.#recent].reverse();
  }
  get lastUnauthorized(): { at: string; reason: string } | undefined {
    return this.#lastUnauthorized;
  }
  get audiencesSeen(): readonly string[] {
    return [...this.#audiences];
  }
  get instancesSeen(): readonly string[] {
    return [...this.#instances];
  }
}

export interface CollectionStatus {
  readonly id: string;
  readonly fields: number;
  readonly dataOperations: readonly string[];
  readonly readOnly: boolean;
  readonly readOnlyReason?: string;
}

/**
 * What anyone may see: what a health check shows (docs/protocol.md §8: no
 * configuration in public pages) — the service, its release, whether the
 * database answers (the reason /readyz gives too), and how to see more.
 */
export interface PublicStatus {
  readonly service: 'wix-gcp-adaptors';
  readonly engine: string;
  readonly version: string;
  readonly commit?: string;
  readonly database: { readonly reachable: boolean; readonly error?: string };
  readonly details: false;
  /** Whether STATUS_TOKEN is configured (the page offers its form only then). */
  readonly detailsAvailable: boolean;
  /** How to see the details. */
  readonly detailsHint: string;
}

/** Everything the page knows, for the holder of STATUS_TOKEN. */
export interface DetailedStatus {
  readonly service: 'wix-gcp-adaptors';
  readonly protocol: 'v3';
  readonly engine: string;
  readonly version: string;
  readonly commit?: string;
  readonly startedAt: string;
  readonly database: { readonly reachable: boolean; readonly error?: string };
  readonly keys: ServiceInfo['keys'];
  readonly audience: { readonly configured: readonly string[] | null; readonly seen: readonly string[] };
  /**
   * WIX_INSTANCE_IDS (null: any site holding the key) and the site instances of the calls seen
   * since start, refused ones included, so an owner can copy theirs (at most 20).
   */
  readonly instances: { readonly configured: readonly string[] | null; readonly seen: readonly string[] };
  readonly advice: ServiceInfo['advice'];
  readonly errors: { readonly byCode: Readonly<Record<string, number>>; readonly recent: readonly RecentError[] };
  readonly lastUnauthorized: { readonly at: string; readonly reason: string } | null;
  /** Whether the legacy protocol is served (LEGACY_SECRET_KEYS set; docs/legacy.md). */
  readonly legacyMode: 'on' | 'off';
  readonly details: true;
  readonly detailsAvailable: true;
  readonly collections?: readonly CollectionStatus[] | { readonly error: string };
  /** Indexes the database lacks for queries it was asked (storage.diagnostics). */
  readonly indexes: { readonly missing: number; readonly hints: readonly IndexHint[] };
  /** Collections needing a backfill into the storage's format (StorageDiagnostics.backfills); absent when none. */
  readonly backfills?: { readonly needed: number; readonly hints: readonly BackfillHint[] };
}

export type ServiceStatus = PublicStatus | DetailedStatus;

/**
 * What a sent token does: `none` (none sent: the public view), `granted`
 * (it is STATUS_TOKEN, constant-time), `refused` (sent but not STATUS_TOKEN, or
 * no STATUS_TOKEN is configured): the caller is told, never shown more.
 */
export type DetailsAccess = 'none' | 'granted' | 'refused';

export function detailsAccess(info: ServiceInfo, offered: string | undefined): DetailsAccess {
  if (offered === undefined) return 'none';
  if (!info.detailsToken) return 'refused';
  return sameToken(info.detailsToken, offered) ? 'granted' : 'refused';
}

/** Per-process key of the token digests: a digest seen once tells nothing about another process's. */
const TOKEN_PEPPER = randomBytes(32);

/**
 * Whether `offered` is `expected`, in a time that depends on neither: both are reduced to
 * HMAC-SHA-256 digests (always 32 bytes) and those are compared with timingSafeEqual. Comparing
 * the raw values would first have to check their lengths, and that early exit tells a caller
 * who times it how long STATUS_TOKEN is. The legacy secret is compared the same way
 * (packages/core/src/legacy/secret.ts, legacy/README.md "Secret strength").
 */
export function sameToken(expected: string, offered: string): boolean {
  const digest = (text: string) => createHmac('sha256', TOKEN_PEPPER).update(text, 'utf8').digest();
  return timingSafeEqual(digest(expected), digest(offered));
}

/** Why a sent token shows nothing more: what to enter, or which setting is missing. Names no value. */
export function refusedTokenMessage(info: ServiceInfo): string {
  return info.detailsToken
    ? "The token sent is not the STATUS_TOKEN of this service, so only the public summary is shown. Enter the value of the STATUS_TOKEN setting exactly (Cloud Run: the service's variables and secrets)."
    : 'This service has no STATUS_TOKEN setting, so no token shows the details. Set STATUS_TOKEN on the service (at least 16 characters) and redeploy.';
}

export async function collectStatus(
  adaptor: Adaptor,
  info: ServiceInfo,
  recorder: StatusRecorder,
  options: { readonly details: boolean; readonly timeoutMs: number; readonly legacyMode: 'on' | 'off' },
): Promise<ServiceStatus> {
  const { storage } = adaptor;
  const check = await checkReadiness(storage, options.timeoutMs, adaptor.abandoned);
  const database = check.ready ? { reachable: true } : { reachable: false, error: check.reason };
  const release = {
    service: 'wix-gcp-adaptors',
    engine: storage.capabilities.engine,
    version: info.version,
    ...(info.commit ? { commit: info.commit } : {}),
  } as const;
  if (!options.details) {
    return {
      ...release,
      database,
      details: false,
      detailsAvailable: info.detailsToken !== undefined,
      detailsHint: info.detailsToken
        ? 'Keys, settings advice, errors and collections are shown with the STATUS_TOKEN: enter it in the form below, or send it as Authorization: Bearer <token> to /status.json.'
        : 'Keys, settings advice, errors and collections are hidden: set the STATUS_TOKEN setting on the service to see them here.',
    };
  }
  const diagnostics = storage.diagnostics?.();
  const hints = diagnostics?.indexHints ?? [];
  const backfills = diagnostics?.backfills ?? [];
  const status: DetailedStatus = {
    ...release,
    protocol: 'v3',
    startedAt: recorder.started,
    database,
    keys: info.keys,
    audience: { configured: info.audience ?? null, seen: recorder.audiencesSeen },
    instances: { configured: info.instanceIds ?? null, seen: recorder.instancesSeen },
    advice: info.advice,
    errors: { byCode: recorder.errorsByCode, recent: recorder.recent },
    lastUnauthorized: recorder.lastUnauthorized ?? null,
    indexes: { missing: hints.filter((hint) => hint.state !== 'IN_USE').length, hints },
    ...(backfills.length > 0 ? { backfills: { needed: backfills.length, hints: backfills } } : {}),
    legacyMode: options.legacyMode,
    details: true,
    detailsAvailable: true,
  };
  if (!database.reachable) return { ...status, collections: { error: 'the database is not reachable' } };
  try {
    const collections = await runWithDeadline(
      newDeadline(options.timeoutMs),
      'read',
      () => storage.listCollections(),
      adaptor.abandoned,
    );
    return {
      ...status,
      collections: collections.map((stored) => {
        const described = describeCollection(stored, storage.capabilities);
        return {
          id: stored.id,
          fields: stored.fields.length,
          dataOperations: described.capabilities?.dataOperations ?? [],
          readOnly: stored.readOnly === true,
          ...(stored.readOnlyReason ? { readOnlyReason: stored.readOnlyReason } : {}),
        };
      }),
    };
  } catch (error) {
    return { ...status, collections: { error: reason(error) } };
  }
}

/** A storage's SpiError message (kept free of secrets by the contract), never a raw client error. */
function reason(error: unknown): string {
  return error instanceof SpiError
    ? error.message.slice(0, 300)
    : "the listing failed; the adaptor's log has the details";
}
