/**
 * `requestContext` of a legacy call (legacy/README.md "requestContext"):
 * settings (the connection configuration, holding the secret), instanceId,
 * installationId, memberId and role. The role is mapped onto the v3 identity
 * types so the one access policy (auth/policy.ts) judges both protocols.
 */
import type { IdentityType, RequestMetadata } from '../auth/metadata.ts';
import { isPlainObject } from '../plain-object.ts';

export const LEGACY_ROLES = ['OWNER', 'BACKEND_CODE', 'MEMBER', 'VISITOR'] as const;
export type LegacyRole = (typeof LEGACY_ROLES)[number];

/**
 * OWNER is the site owner (a Wix user), BACKEND_CODE is the site's own backend
 * acting with app-like authority, MEMBER and VISITOR are site visitors.
 * Unknown or missing roles are UNKNOWN, never guessed (as in auth/metadata.ts).
 */
export const ROLE_IDENTITY: Readonly<Record<LegacyRole, IdentityType>> = {
  OWNER: 'WIX_USER',
  BACKEND_CODE: 'APP',
  MEMBER: 'MEMBER',
  VISITOR: 'ANONYMOUS_VISITOR',
};

export interface LegacyContext {
  readonly secretKey: unknown;
  readonly metadata: RequestMetadata;
}

/** Never throws: a missing or malformed context only means no secret and an UNKNOWN caller. */
export function parseRequestContext(body: unknown): LegacyContext {
  const raw = isPlainObject(body) && isPlainObject(body.requestContext) ? body.requestContext : {};
  const settings = isPlainObject(raw.settings) ? raw.settings : {};
  // Wix's docs name the field `memberRole` in one table and `role` everywhere else: read both.
  const roleText = typeof raw.role === 'string' ? raw.role : typeof raw.memberRole === 'string' ? raw.memberRole : '';
  const role = roleText.trim().toUpperCase();
  const identityType: IdentityType = (LEGACY_ROLES as readonly string[]).includes(role)
    ? ROLE_IDENTITY[role as LegacyRole]
    : 'UNKNOWN';
  const metadata: RequestMetadata = { languages: [], identity: { identityType } };
  if (typeof raw.instanceId === 'string') metadata.instanceId = raw.instanceId;
  if (typeof raw.memberId === 'string' && metadata.identity) metadata.identity.memberId = raw.memberId;
  return { secretKey: settings.secretKey, metadata };
}
