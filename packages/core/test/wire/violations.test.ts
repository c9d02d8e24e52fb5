import { describe, expect, it } from 'vitest';
import { childPath, pointerToPath } from '../../src/wire/violations.ts';

describe('field paths', () => {
  it('turn JSON pointers into dotted/indexed paths', () => {
    expect(pointerToPath('/items/3/_id')).toBe('items[3]._id');
    expect(pointerToPath('/query/paging/limit')).toBe('query.paging.limit');
    expect(pointerToPath('/collection/fields/0/objectOptions/fields/2/type')).toBe(
      'collection.fields[0].objectOptions.fields[2].type',
    );
    expect(pointerToPath('/a~1b/c~0d')).toBe('a/b.c~d');
    expect(pointerToPath('')).toBe('');
    expect(pointerToPath('/x', 'items[0]')).toBe('items[0].x');
  });
  it('join children the same way', () => {
    expect(childPath('', 'paging')).toBe('paging');
    expect(childPath('query', 'paging')).toBe('query.paging');
    expect(childPath('items', 2)).toBe('items[2]');
  });
});
