/**
 * Optional per-collection access policy keyed on the caller's identity type
 * (`data.metadata.identity.identityType`, docs/protocol.md §2.2). Off unless
 * ACCESS_POLICY is set; Wix already enforces collection permissions, so this
 * is a second, adaptor-side fence. Format and lookup order: auth/README.md.
 * A refusal is 403 PERMISSION_DENIED (errors.ts), never 401: the token was fine.
 */

import { errors } from '../errors.ts';
import { isPlainObject } from '../plain-object.ts';
import { IDENTITY_TYPES, type IdentityType, type RequestMetadata } from './metadata.ts';

export const ACCESS_KINDS = ['read', 'write', 'schema'] as const;
export type AccessKind = (typeof ACCESS_KINDS)[number];

const ANY = '*';
const SETTING = 'ACCESS_POLICY';

/** collection id or '*' → identity type or '*' → allowed kinds. */
export interface AccessPolicy {
  readonly rules: ReadonlyMap<string, ReadonlyMap<IdentityType | '*', ReadonlySet<AccessKind>>>;
}

/** Throws an `Error` listing every problem in the setting (this runs at startup). */
export function parseAccessPolicy(json: string): AccessPolicy {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (err) {
    throw new Error(`${SETTING} is not valid JSON (${(err as Error).message})`);
  }
  if (!isPlainObject(raw)) {
    throw new Error(`${SETTING} must be a JSON object like {"*": {"ANONYMOUS_VISITOR": ["read"]}}`);
  }
  const problems: string[] = [];
  const rules = new Map<string, Map<IdentityType | '*', Set<AccessKind>>>();
  for (const [collection, byIdentity] of Object.entries(raw)) {
    if (collection === '') {
      problems.push('an empty collection id; use "*" for every collection');
      continue;
    }
    if (!isPlainObject(byIdentity)) {
      problems.push(`"${collection}" must map identity types to lists of access kinds`);
      continue;
    }
    const identities = new Map<IdentityType | '*', Set<AccessKind>>();
    for (const [identity, kinds] of Object.entries(byIdentity)) {
      const where = `"${collection}" → "${identity}"`;
      if (identity !== ANY && !(IDENTITY_TYPES as readonly string[]).includes(identity)) {
        problems.push(`${where}: unknown identity type; use one of ${IDENTITY_TYPES.join(', ')} or "*"`);
        continue;
      }
      const parsed = parseKinds(kinds, where, problems);
      if (parsed) identities.set(identity as IdentityType | '*', parsed);
    }
    rules.set(collection, identities);
  }
  if (problems.length === 0 && rules.size === 0) {
    problems.push('the policy is empty and would refuse every call; unset ACCESS_POLICY to turn the policy off');
  }
  if (problems.length > 0) throw new Error(`${SETTING} is invalid: ${problems.join('; ')}`);
  return { rules };
}

function parseKinds(value: unknown, where: string, problems: string[]): Set<AccessKind> | undefined {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list)) {
    problems.push(`${where}: must be a list of access kinds (${ACCESS_KINDS.join(', ')}, or "*")`);
    return undefined;
  }
  const kinds = new Set<AccessKind>();
  for (const item of list) {
    if (item === ANY) for (const kind of ACCESS_KINDS) kinds.add(kind);
    else if (typeof item === 'string' && (ACCESS_KINDS as readonly string[]).includes(item))
      kinds.add(item as AccessKind);
    else problems.push(`${where}: unknown access kind ${JSON.stringify(item)}; use ${ACCESS_KINDS.join(', ')} or "*"`);
  }
  return kinds;
}

/**
 * Most specific rule wins, without merging: collection+identity, collection+'*',
 * '*'+identity, '*'+'*'; no matching rule means refused. A call without a
 * collection (capabilities) uses the '*' collection rules.
 */
export function mayAccess(
  policy: AccessPolicy | undefined,
  metadata: RequestMetadata,
  collectionId: string | undefined,
  kind: AccessKind,
): boolean {
  if (!policy) return true;
  const identity = identityOf(metadata);
  const collectionRules = collectionId === undefined ? undefined : policy.rules.get(collectionId);
  const anyRules = policy.rules.get(ANY);
  const allowed =
    collectionRules?.get(identity) ?? collectionRules?.get(ANY) ?? anyRules?.get(identity) ?? anyRules?.get(ANY);
  return allowed?.has(kind) === true;
}

/**
 * A collection a call reaches through a reference field of the call's own collection
 * (included items, query-referenced, insert/remove-references): judged by its own rules like
 * a call on it (auth/README.md "References"), the refusal naming the field and what else the
 * caller can do (`instead`).
 */
export interface ReferencedThrough {
  readonly collectionId: string;
  readonly fieldKey: string;
  /** What else the caller can do, when there is something (e.g. leave the field out of an include). */
  readonly instead?: string;
}

/** Throws 403 PERMISSION_DENIED when `mayAccess` says no. */
export function checkAccess(
  policy: AccessPolicy | undefined,
  metadata: RequestMetadata,
  collectionId: string | undefined,
  kind: AccessKind,
  through?: ReferencedThrough,
): void {
  if (mayAccess(policy, metadata, collectionId, kind)) return;
  const identity = identityOf(metadata);
  const target = collectionId === undefined ? 'collections' : `collection '${collectionId}'`;
  const via = through ? `, which field '${through.fieldKey}' of collection '${through.collectionId}' references,` : '';
  const otherwise = through?.instead ? `, or ${through.instead}` : '';
  throw errors.permissionDenied(
    `Access denied: ${identity} callers may not ${kind} ${target}${via} under this adaptor's ${SETTING}. ` +
      `To allow it, add "${kind}" for "${identity}" under "${collectionId ?? ANY}" in ${SETTING}${otherwise}.`,
  );
}

function identityOf(metadata: RequestMetadata): IdentityType {
  return metadata.identity?.identityType ?? 'UNKNOWN';
}
