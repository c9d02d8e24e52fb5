/**
 * `data.metadata` ("Context") of a verified call (docs/protocol.md §2.2):
 * parse every documented field, require none. Wrong types are dropped rather than
 * rejected, because metadata only feeds logging and the optional access policy,
 * and a metadata quirk must never fail an otherwise valid call.
 */
import { isPlainObject } from '../plain-object.ts';

export const IDENTITY_TYPES = ['UNKNOWN', 'ANONYMOUS_VISITOR', 'MEMBER', 'WIX_USER', 'APP'] as const;
export type IdentityType = (typeof IDENTITY_TYPES)[number];

export interface RequestIdentity {
  identityType: IdentityType;
  anonymousVisitorId?: string;
  memberId?: string;
  wixUserId?: string;
  appId?: string;
}

export interface RequestMetadata {
  requestId?: string;
  instanceId?: string;
  identity?: RequestIdentity;
  languages: string[];
  currency?: string;
  appExtensionType?: string;
  appExtensionId?: string;
  functionName?: string;
}

const STRING_FIELDS = [
  'requestId',
  'instanceId',
  'currency',
  'appExtensionType',
  'appExtensionId',
  'functionName',
] as const;

const IDENTITY_ID_FIELDS = ['anonymousVisitorId', 'memberId', 'wixUserId', 'appId'] as const;

/** Never throws: missing or malformed metadata yields `{ languages: [] }` (§2.3 step 6). */
export function parseMetadata(raw: unknown): RequestMetadata {
  const metadata: RequestMetadata = { languages: [] };
  if (!isPlainObject(raw)) return metadata;
  for (const field of STRING_FIELDS) {
    const value = raw[field];
    if (typeof value === 'string') metadata[field] = value;
  }
  metadata.languages = parseLanguages(raw.languages);
  const identity = parseIdentity(raw.identity);
  if (identity) metadata.identity = identity;
  return metadata;
}

/** Wix's SDK types it as a string array; its generic docs show a single string like "en-US" (§2.2): accept both. */
function parseLanguages(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(',') : Array.isArray(value) ? value : [];
  const languages: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') continue;
    const trimmed = item.trim();
    if (trimmed !== '') languages.push(trimmed);
  }
  return languages;
}

/**
 * An unrecognised or missing `identityType` becomes UNKNOWN. The type is never
 * inferred from which id field is present: the access policy keys on it, so a
 * guess could grant more than Wix asserted.
 */
function parseIdentity(value: unknown): RequestIdentity | undefined {
  if (!isPlainObject(value)) return undefined;
  const rawType = typeof value.identityType === 'string' ? value.identityType.trim().toUpperCase() : '';
  const identityType = (IDENTITY_TYPES as readonly string[]).includes(rawType) ? (rawType as IdentityType) : 'UNKNOWN';
  const identity: RequestIdentity = { identityType };
  for (const field of IDENTITY_ID_FIELDS) {
    const id = value[field];
    if (typeof id === 'string') identity[field] = id;
  }
  return identity;
}
