/**
 * STATUS_TOKEN (server/status.ts detailsAccess): the right token unlocks the
 * details; a wrong, empty or differently long one is refused; none sent is the
 * public view. The comparison is of fixed-length digests, so its time says
 * nothing about the token's length.
 */
import { describe, expect, test } from 'vitest';
import { detailsAccess, type ServiceInfo, sameToken } from '../../src/server/status.ts';

const TOKEN = 'status-token-0123456789abcdef';
const info: ServiceInfo = { name: 'memory', version: '1.0.0', keys: [], advice: [], detailsToken: TOKEN };

describe('detailsAccess', () => {
  test('the right token: granted; none sent: the public view', () => {
    expect(detailsAccess(info, TOKEN)).toBe('granted');
    expect(detailsAccess(info, undefined)).toBe('none');
  });

  test.each([
    ['empty', ''],
    ['one character off', `${TOKEN.slice(0, -1)}X`],
    ['shorter (a prefix)', TOKEN.slice(0, -1)],
    ['longer (the token and more)', `${TOKEN}0`],
    ['much longer', TOKEN.repeat(100)],
    ['a different case', TOKEN.toUpperCase()],
    ['as many characters, more bytes', `${TOKEN.slice(0, -1)}é`],
    ['with spaces around', ` ${TOKEN} `],
  ])('%s: refused, never an exception', (_, offered) => {
    expect(detailsAccess(info, offered)).toBe('refused');
  });

  test('a service without STATUS_TOKEN refuses every token sent', () => {
    const { detailsToken: _none, ...open } = info;
    expect(detailsAccess(open, TOKEN)).toBe('refused');
    expect(detailsAccess(open, '')).toBe('refused');
    expect(detailsAccess(open, undefined)).toBe('none');
  });
});

describe('sameToken', () => {
  test('compares values of any length, including empty ones, without throwing', () => {
    expect(sameToken(TOKEN, TOKEN)).toBe(true);
    expect(sameToken('', '')).toBe(true);
    expect(sameToken(TOKEN, '')).toBe(false);
    expect(sameToken('', TOKEN)).toBe(false);
    expect(sameToken(TOKEN, TOKEN.slice(1))).toBe(false);
    expect(sameToken('é', 'e')).toBe(false);
  });
});
