/** Signed cursor tokens (docs/protocol.md §3.3; docs/semantics.md §3.2). */
import { createHmac } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Value } from '../../src/query/ast.ts';
import { decodeCursor, encodeCursor, valueFromJson, valueToJson } from '../../src/query/cursor.ts';
import { thrown } from './fixtures.ts';

const secret = 'test-secret';
const expected: Parameters<typeof decodeCursor>[2] = { op: 'query', collectionId: 'plants' };
const state = { f: { family: 'Lamiaceae' }, s: [{ fieldName: 'commonName' }], k: ['Mint', 'id-2'], n: null };

function token() {
  return encodeCursor({ op: 'query', collectionId: 'plants', state }, secret);
}

function refused(t: string, exp = expected, key = secret): string {
  const err = thrown(() => decodeCursor(t, key, exp));
  expect(err.code).toBe('BAD_REQUEST');
  expect(err.status).toBe(400);
  expect(err.message).toMatch(/^Invalid cursor: .*, start again from the first page$/);
  return err.message;
}

describe('cursor', () => {
  test('round trip', () => {
    const t = token();
    expect(t).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    expect(decodeCursor(t, secret, expected)).toEqual({ v: 1, op: 'query', collectionId: 'plants', state });
  });

  test('unicode state survives', () => {
    const t = encodeCursor({ op: 'distinct', collectionId: 'c/ü', state: ['😀', 'é'] }, secret);
    expect(decodeCursor(t, secret, { op: 'distinct', collectionId: 'c/ü' }).state).toEqual(['😀', 'é']);
  });

  test('tampered signature', () => {
    const [v, body, sig] = token().split('.') as [string, string, string];
    const flipped = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(refused(`${v}.${body}.${flipped}`)).toContain('signature');
  });

  test('tampered payload', () => {
    const [v, , sig] = token().split('.') as [string, string, string];
    const forged = Buffer.from(
      JSON.stringify({ v: 1, op: 'query', collectionId: 'plants', state: { f: {} } }),
    ).toString('base64url');
    expect(refused(`${v}.${forged}.${sig}`)).toContain('signature');
  });

  test('signed with another secret', () => {
    refused(token(), expected, 'other-secret');
  });

  test('other collection', () => {
    expect(refused(token(), { op: 'query', collectionId: 'suppliers' })).toContain('another collection');
  });

  test('other operation', () => {
    expect(refused(token(), { op: 'distinct', collectionId: 'plants' })).toContain('another operation');
  });

  test.each([
    ['truncated signature', (t: string) => t.slice(0, -3)],
    ['truncated body', (t: string) => t.slice(0, 12)],
    ['missing signature', (t: string) => t.split('.').slice(0, 2).join('.')],
    ['extra part', (t: string) => `${t}.x`],
    ['wrong version prefix', (t: string) => `v2${t.slice(2)}`],
    ['not base64url', (t: string) => t.replace(/\.[^.]+\./, '.@@@.')],
    ['garbage', () => 'hello world'],
    ['empty', () => ''],
  ])('%s', (_name, mutate) => {
    refused(mutate(token()));
  });

  test('a validly signed payload of another version is refused', () => {
    const body = Buffer.from(JSON.stringify({ v: 2, op: 'query', collectionId: 'plants', state: null })).toString(
      'base64url',
    );
    // Re-sign with the real key to prove the version check does not rely on the MAC.
    const sig = createHmac('sha256', secret).update(`v1.${body}`).digest('base64url');
    expect(refused(`v1.${body}.${sig}`)).toContain('not a version 1 cursor');
  });

  test('a non-string token is refused, not a TypeError', () => {
    refused(42 as unknown as string);
  });
});

describe('valueToJson / valueFromJson', () => {
  test.each<[string, Value]>([
    ['scalars', ['a', 1, true, null]],
    ['date', new Date('2024-05-01T09:30:00.123Z')],
    ['object that looks like a date literal', { $date: '2024-05-01T09:30:00.000Z' }],
    ['object that looks like the wrapper', { $obj: { a: 1 } }],
    ['nested', { a: [new Date(0), { b: 'c' }] }],
  ])('%s round-trips', (_name, v) => {
    const json = JSON.parse(JSON.stringify(valueToJson(v)));
    expect(valueFromJson(json)).toEqual(v);
  });

  test('refuses what it cannot have produced', () => {
    expect(thrown(() => valueFromJson({ a: 1 })).code).toBe('BAD_REQUEST');
    expect(thrown(() => valueFromJson({ $date: 'nope' })).code).toBe('BAD_REQUEST');
  });
});
