import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseMetadata } from '../../src/auth/metadata.ts';
import { METADATA } from './fixtures.ts';

describe('parseMetadata', () => {
  test('the §2.2 example', () => {
    expect(parseMetadata(METADATA)).toEqual({
      requestId: METADATA.requestId,
      instanceId: METADATA.instanceId,
      identity: METADATA.identity,
      languages: ['en-US'],
      appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
    });
  });

  test('all documented fields', () => {
    const parsed = parseMetadata({
      requestId: 'r',
      instanceId: 'i',
      identity: { identityType: 'WIX_USER', wixUserId: 'u' },
      languages: ['en-US', 'fr-FR'],
      currency: 'EUR',
      appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
      appExtensionId: 'ext',
      functionName: 'queryDataItems',
    });
    expect(parsed).toEqual({
      requestId: 'r',
      instanceId: 'i',
      identity: { identityType: 'WIX_USER', wixUserId: 'u' },
      languages: ['en-US', 'fr-FR'],
      currency: 'EUR',
      appExtensionType: 'EXTERNAL_DATABASE_PROVIDER',
      appExtensionId: 'ext',
      functionName: 'queryDataItems',
    });
  });

  test.each([undefined, null, 'x', 42, [], [{ requestId: 'r' }]])('non-object %j → { languages: [] }', (raw) => {
    expect(parseMetadata(raw)).toEqual({ languages: [] });
  });

  test('languages as a string, a comma list, a mixed array', () => {
    expect(parseMetadata({ languages: 'en-US' }).languages).toEqual(['en-US']);
    expect(parseMetadata({ languages: 'en-US, fr' }).languages).toEqual(['en-US', 'fr']);
    expect(parseMetadata({ languages: ['de', 3, null, ' ', 'it '] }).languages).toEqual(['de', 'it']);
    expect(parseMetadata({ languages: { en: true } }).languages).toEqual([]);
  });

  test('wrong types are dropped, unknown keys ignored', () => {
    expect(
      parseMetadata({ requestId: 12, instanceId: null, currency: ['EUR'], extra: 'x', functionName: 'f' }),
    ).toEqual({ languages: [], functionName: 'f' });
  });

  test('identity: unknown or missing type → UNKNOWN, never inferred from the id field; lowercase accepted', () => {
    expect(parseMetadata({ identity: { memberId: 'm' } }).identity).toEqual({ identityType: 'UNKNOWN', memberId: 'm' });
    expect(parseMetadata({ identity: { identityType: 'ADMIN' } }).identity).toEqual({ identityType: 'UNKNOWN' });
    expect(parseMetadata({ identity: { identityType: 'member', memberId: 7 } }).identity).toEqual({
      identityType: 'MEMBER',
    });
    expect(parseMetadata({ identity: 'APP' }).identity).toBeUndefined();
  });

  test('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const parsed = parseMetadata(value);
        expect(Array.isArray(parsed.languages)).toBe(true);
      }),
    );
  });
});
