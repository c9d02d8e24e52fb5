/**
 * `WIX_INSTANCE_IDS`: which Wix sites may call this deployment. A signed call proves only that
 * Wix made it for a site holding the key; with an app's key (docs/connections.md §4.3) every
 * site that installs the app signs alike, so the site itself — `metadata.instanceId` inside
 * the signed token (docs/protocol.md §2.2) — is what ties the data to its owner.
 *
 * One grammar for a listed id serves the setting's parser (config/core-settings.ts) and the
 * refusal's message, so a refusal never asks to list an id the setting would refuse.
 */
import { errors, type SpiError } from '../errors.ts';

/**
 * The longest id the setting lists: the status page shows the ids it has seen up to this length
 * (server/status.ts `recordInstance`), so an id pasted from there is whole.
 */
export const INSTANCE_ID_MAX_LENGTH = 128;

/**
 * An instance id as the status page and the log show it: whole up to INSTANCE_ID_MAX_LENGTH, the
 * longest the setting lists; a longer one (only an unsigned legacy requestContext.instanceId can
 * be) is cut there and ends in '…', which the setting refuses, so a cut id is never pasted as whole.
 */
export function shownInstanceId(instanceId: string): string {
  return instanceId.length <= INSTANCE_ID_MAX_LENGTH ? instanceId : `${instanceId.slice(0, INSTANCE_ID_MAX_LENGTH)}…`;
}

/** Wix's instance ids are GUIDs; a little more is allowed, nothing that needs quoting or separates. */
const INSTANCE_ID = new RegExp(`^[A-Za-z0-9._:-]{1,${INSTANCE_ID_MAX_LENGTH}}$`);

/**
 * `WIX_INSTANCE_IDS`: comma-separated ids, spaces around the commas allowed. An empty entry
 * (`a,,b`, a trailing comma) or an id with a space, quote or bracket inside (`a b`: a missing
 * comma; `["a"]`: pasted from JSON) is refused with its position, never silently dropped:
 * a dropped entry would lock a site out without a word. Messages never repeat the value
 * (config/parsers.ts); the loader quotes it (config/inspect.ts).
 */
export function parseInstanceIds(value: string): readonly string[] {
  const entries = value.split(',').map((entry) => entry.trim());
  const ids: string[] = [];
  for (const [index, entry] of entries.entries()) {
    const position = `entry ${index + 1} of ${entries.length}`;
    if (entry === '') {
      throw new Error(
        `${position} is empty (two commas in a row, or one at the start or end): write the site instance ids separated by single commas`,
      );
    }
    if (/\s/.test(entry)) {
      throw new Error(
        `${position} has a space inside: separate site instance ids with commas, e.g. 0f4b8d26-5e71-4c3a-b9d2-7a61c8e04f55,7c0e…`,
      );
    }
    if (!INSTANCE_ID.test(entry)) {
      throw new Error(
        `${position} is not a site instance id: write each one bare (no quotes or brackets), up to ${INSTANCE_ID_MAX_LENGTH} letters, digits, '-', '_', '.' or ':', as the status page lists it`,
      );
    }
    ids.push(entry);
  }
  return ids;
}

/** Where the caller's instance id was read: v3's signed metadata, or a legacy call's requestContext. */
export type InstanceField = 'metadata.instanceId' | 'requestContext.instanceId';

/**
 * Whether a call's site may use this deployment: undefined when it may, else the 403 to answer.
 * A call without an instance id is refused too: it cannot be told from another site's.
 */
export type InstanceCheck = (instanceId: string | undefined, field: InstanceField) => SpiError | undefined;

/** The check of a configured list (a Set: one lookup per call); undefined when the setting is unset. */
export function createInstanceCheck(ids: readonly string[] | undefined): InstanceCheck | undefined {
  if (ids === undefined || ids.length === 0) return undefined;
  const allowed = new Set(ids);
  return (instanceId, field) =>
    instanceId !== undefined && allowed.has(instanceId) ? undefined : instanceRefusal(instanceId, field);
}

/**
 * The 403 (PERMISSION_DENIED, docs/protocol.md §12.1) names the caller's own instance id — its
 * site's, from the signed call — and what its owner can do; never the listed ids, which belong
 * to other sites.
 */
function instanceRefusal(instanceId: string | undefined, field: InstanceField): SpiError {
  const serves = 'This adaptor serves only the Wix sites listed in its WIX_INSTANCE_IDS setting';
  if (instanceId === undefined || instanceId === '') {
    return errors.permissionDenied(
      `${serves}, and this call carries no ${field}, so it cannot tell which site it comes from. Connect the site through a Wix connection or app that sends its instance id, or unset WIX_INSTANCE_IDS to let every site holding the key call it.`,
    );
  }
  if (!INSTANCE_ID.test(instanceId)) {
    return errors.permissionDenied(
      `${serves}, and this call's ${field} is not an id that setting can list. Connect the site through a Wix connection or app that sends a site instance id, or unset WIX_INSTANCE_IDS.`,
    );
  }
  return errors.permissionDenied(
    `${serves}, and this site (${field} ${instanceId}) is not one of them. If this site should use this adaptor's data, add ${instanceId} to WIX_INSTANCE_IDS (comma-separated) and redeploy; otherwise connect the site to its own adaptor.`,
  );
}

/** The status page's advice while the setting is unset (server/app.ts adds it to the service's own). */
export const INSTANCE_IDS_ADVICE = {
  setting: 'WIX_INSTANCE_IDS',
  message:
    "not set: any Wix site whose calls verify with WIX_PUBLIC_KEYS can read and write this data; with an app's key (docs/connections.md §4.3), every site that installs the app. Set it to your site's instance id (the instance ids seen above show what Wix sends).",
} as const;
