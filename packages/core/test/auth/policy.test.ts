import { describe, expect, test } from 'vitest';
import type { IdentityType, RequestMetadata } from '../../src/auth/metadata.ts';
import {
  type AccessKind,
  type AccessPolicy,
  checkAccess,
  mayAccess,
  parseAccessPolicy,
} from '../../src/auth/policy.ts';
import { SpiError } from '../../src/errors.ts';

const README_EXAMPLE = JSON.stringify({
  '*': { WIX_USER: ['*'], APP: ['*'], '*': ['read'] },
  orders: { ANONYMOUS_VISITOR: [], MEMBER: ['read', 'write'] },
});

function as(identityType: IdentityType | undefined): RequestMetadata {
  return identityType ? { languages: [], identity: { identityType } } : { languages: [] };
}

function allowed(
  policy: AccessPolicy,
  who: IdentityType | undefined,
  collection: string | undefined,
  kind: AccessKind,
) {
  try {
    checkAccess(policy, as(who), collection, kind);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(SpiError);
    expect((err as SpiError).status).toBe(403);
    expect((err as SpiError).code).toBe('PERMISSION_DENIED');
    return false;
  }
}

describe('checkAccess', () => {
  const policy = parseAccessPolicy(README_EXAMPLE);

  test('no policy: everything allowed', () => {
    expect(() => checkAccess(undefined, as('ANONYMOUS_VISITOR'), 'orders', 'schema')).not.toThrow();
  });

  test('the README example, rule by rule', () => {
    // '*' collection rules
    expect(allowed(policy, 'ANONYMOUS_VISITOR', 'plants', 'read')).toBe(true);
    expect(allowed(policy, 'ANONYMOUS_VISITOR', 'plants', 'write')).toBe(false);
    expect(allowed(policy, 'WIX_USER', 'plants', 'schema')).toBe(true);
    expect(allowed(policy, 'APP', 'plants', 'write')).toBe(true);
    // collection-specific rules win over '*'
    expect(allowed(policy, 'ANONYMOUS_VISITOR', 'orders', 'read')).toBe(false);
    expect(allowed(policy, 'MEMBER', 'orders', 'write')).toBe(true);
    expect(allowed(policy, 'MEMBER', 'orders', 'schema')).toBe(false);
    // identity not named under 'orders' falls back to the '*' collection rules
    expect(allowed(policy, 'WIX_USER', 'orders', 'schema')).toBe(true);
    expect(allowed(policy, 'UNKNOWN', 'orders', 'read')).toBe(true);
    expect(allowed(policy, 'UNKNOWN', 'orders', 'write')).toBe(false);
  });

  test('missing identity counts as UNKNOWN; calls without a collection use "*"', () => {
    expect(allowed(policy, undefined, 'plants', 'read')).toBe(true);
    expect(allowed(policy, undefined, 'plants', 'write')).toBe(false);
    expect(allowed(policy, 'MEMBER', undefined, 'read')).toBe(true);
    expect(allowed(policy, 'MEMBER', undefined, 'schema')).toBe(false);
  });

  test('collection "*" rule inside a collection beats the global identity rule', () => {
    const strict = parseAccessPolicy(JSON.stringify({ '*': { MEMBER: ['*'] }, vault: { '*': [] } }));
    expect(allowed(strict, 'MEMBER', 'plants', 'write')).toBe(true);
    expect(allowed(strict, 'MEMBER', 'vault', 'read')).toBe(false);
  });

  test('no matching rule at all → refused', () => {
    const only = parseAccessPolicy(JSON.stringify({ plants: { APP: 'read' } }));
    expect(allowed(only, 'APP', 'plants', 'read')).toBe(true);
    expect(allowed(only, 'APP', 'orders', 'read')).toBe(false);
  });

  test('the 403 message names identity type, collection, kind and the setting', () => {
    let error: SpiError | undefined;
    try {
      checkAccess(policy, as('MEMBER'), 'orders', 'schema');
    } catch (err) {
      error = err as SpiError;
    }
    expect(error?.message).toContain('MEMBER');
    expect(error?.message).toContain("collection 'orders'");
    expect(error?.message).toContain('schema');
    expect(error?.message).toContain('ACCESS_POLICY');
  });
});

describe('a collection reached through a reference field', () => {
  const policy = parseAccessPolicy(README_EXAMPLE);

  test('mayAccess answers what checkAccess enforces', () => {
    expect(mayAccess(policy, as('ANONYMOUS_VISITOR'), 'orders', 'read')).toBe(false);
    expect(mayAccess(policy, as('MEMBER'), 'orders', 'read')).toBe(true);
    expect(mayAccess(undefined, as('ANONYMOUS_VISITOR'), 'orders', 'schema')).toBe(true);
  });

  test('the 403 names the referenced collection, the field that leads there, and what else works', () => {
    let error: SpiError | undefined;
    try {
      checkAccess(policy, as('ANONYMOUS_VISITOR'), 'orders', 'read', {
        collectionId: 'reviews',
        fieldKey: 'order',
        instead: "leave 'order' out of includeReferencedItems",
      });
    } catch (err) {
      error = err as SpiError;
    }
    expect(error?.status).toBe(403);
    expect(error?.message).toBe(
      "Access denied: ANONYMOUS_VISITOR callers may not read collection 'orders', which field 'order' of collection 'reviews' references, under this adaptor's ACCESS_POLICY. " +
        `To allow it, add "read" for "ANONYMOUS_VISITOR" under "orders" in ACCESS_POLICY, or leave 'order' out of includeReferencedItems.`,
    );
  });
});

describe('parseAccessPolicy', () => {
  test('kinds: list, single string, "*"', () => {
    const policy = parseAccessPolicy('{"*": {"APP": "*", "MEMBER": "read", "WIX_USER": ["read", "schema"]}}');
    const rules = policy.rules.get('*');
    expect([...(rules?.get('APP') ?? [])].sort()).toEqual(['read', 'schema', 'write']);
    expect([...(rules?.get('MEMBER') ?? [])]).toEqual(['read']);
    expect([...(rules?.get('WIX_USER') ?? [])]).toEqual(['read', 'schema']);
  });

  test.each([
    ['not JSON', '{nope', 'not valid JSON'],
    ['an array', '[]', 'must be a JSON object'],
    ['empty', '{}', 'unset ACCESS_POLICY'],
    ['collection value not an object', '{"plants": ["read"]}', '"plants" must map identity types'],
    ['unknown identity type', '{"*": {"MEMBERS": ["read"]}}', 'unknown identity type'],
    ['unknown kind', '{"*": {"APP": ["delete"]}}', 'unknown access kind "delete"'],
    ['kinds not a list', '{"*": {"APP": 3}}', 'must be a list of access kinds'],
    ['empty collection id', '{"": {"APP": ["read"]}}', 'empty collection id'],
  ])('%s → clear error', (_name, json, expected) => {
    expect(() => parseAccessPolicy(json)).toThrow(expected);
  });

  test('every problem is reported at once', () => {
    let message = '';
    try {
      parseAccessPolicy('{"*": {"MEMBERS": ["read"], "APP": ["delete"]}, "x": 1}');
    } catch (err) {
      message = (err as Error).message;
    }
    expect(message).toContain('MEMBERS');
    expect(message).toContain('delete');
    expect(message).toContain('"x"');
  });
});
