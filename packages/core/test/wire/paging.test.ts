import { describe, expect, it } from 'vitest';
import { clampLimit, resolvePaging } from '../../src/wire/paging.ts';
import { spiErrorOf } from './helpers.ts';

describe('resolvePaging (§3.3)', () => {
  it('defaults to offset 0, limit 50', () => {
    expect(resolvePaging({})).toEqual({ mode: 'offset', offset: 0, limit: 50 });
    expect(resolvePaging({ paging: null, cursorPaging: null })).toEqual({ mode: 'offset', offset: 0, limit: 50 });
    expect(resolvePaging({ paging: {} })).toEqual({ mode: 'offset', offset: 0, limit: 50 });
    expect(resolvePaging({ paging: { limit: null, offset: null } })).toEqual({ mode: 'offset', offset: 0, limit: 50 });
  });

  it('keeps offset and limit, clamping the limit to [1, 1000]', () => {
    expect(resolvePaging({ paging: { limit: 2, offset: 4 } })).toEqual({ mode: 'offset', offset: 4, limit: 2 });
    expect(resolvePaging({ paging: { limit: 5000 } })).toEqual({ mode: 'offset', offset: 0, limit: 1000 });
    expect(resolvePaging({ paging: { limit: 0 } })).toEqual({ mode: 'offset', offset: 0, limit: 1 });
    expect(resolvePaging({ paging: { limit: 1000 } }).limit).toBe(1000);
  });

  it('never returns a negative offset', () => {
    expect(resolvePaging({ paging: { offset: -5 } })).toEqual({ mode: 'offset', offset: 0, limit: 50 });
  });

  it('resolves cursor paging, with and without a cursor', () => {
    expect(resolvePaging({ cursorPaging: { limit: 2 } })).toEqual({ mode: 'cursor', limit: 2 });
    expect(resolvePaging({ cursorPaging: { cursor: null } })).toEqual({ mode: 'cursor', limit: 50 });
    expect(resolvePaging({ cursorPaging: { cursor: '' } })).toEqual({ mode: 'cursor', limit: 50 });
    expect(resolvePaging({ cursorPaging: { limit: 2000, cursor: 'abc' } })).toEqual({
      mode: 'cursor',
      cursor: 'abc',
      limit: 1000,
    });
    expect(resolvePaging({ paging: null, cursorPaging: { cursor: 'abc' } })).toEqual({
      mode: 'cursor',
      cursor: 'abc',
      limit: 50,
    });
  });

  it('refuses both kinds with BAD_REQUEST', () => {
    spiErrorOf(() => resolvePaging({ paging: {}, cursorPaging: {} }), 'BAD_REQUEST');
  });

  it('clampLimit handles odd numbers', () => {
    expect(clampLimit(undefined)).toBe(50);
    expect(clampLimit(Number.NaN)).toBe(50);
    expect(clampLimit(-3)).toBe(1);
    expect(clampLimit(7)).toBe(7);
  });
});
