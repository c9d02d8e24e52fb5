import { describe, expect, it } from 'vitest';
import type { FieldType } from '../src/model.ts';
import { readWriteRule, type SystemColumnTypes } from '../src/read-write-rule.ts';

const TYPES: SystemColumnTypes = {
  _id: 'STRING',
  _createdDate: 'TIMESTAMP',
  _updatedDate: 'TIMESTAMP',
  _owner: 'STRING',
};
const ALL: [string, FieldType][] = [
  ['_id', 'TEXT'],
  ['_createdDate', 'DATETIME'],
  ['_updatedDate', 'DATETIME'],
  ['_owner', 'TEXT'],
  ['title', 'TEXT'],
];
const without = (...keys: string[]) => new Map(ALL.filter(([key]) => !keys.includes(key)));

describe("Wix's read-write rule", () => {
  it('is writable exactly with all four system fields of the right types', () => {
    expect(readWriteRule(new Map(ALL), undefined, TYPES)).toEqual({
      writable: true,
      missing: [],
      fixableByUpdate: false,
    });
  });

  it('names each missing system field, with the column to add, and is fixable by collections/update', () => {
    const verdict = readWriteRule(without('_createdDate', '_owner'), undefined, TYPES);
    expect(verdict).toMatchObject({ writable: false, missing: ['_createdDate', '_owner'], fixableByUpdate: true });
    expect(verdict.reason).toContain('it lacks _createdDate, _owner');
    expect(verdict.reason).toContain('_createdDate TIMESTAMP, _owner STRING');
    expect(verdict.reason).toContain('collections/update');
  });

  it('a missing _id is for the owner to add: existing rows need ids', () => {
    const verdict = readWriteRule(without('_id'), undefined, TYPES);
    expect(verdict).toMatchObject({ writable: false, missing: ['_id'], fixableByUpdate: false });
    expect(verdict.reason).toContain('unique text id for every existing row');
  });

  it('a system column of another type makes it read-only, naming the type needed', () => {
    const types = new Map(ALL);
    types.set('_createdDate', 'TEXT');
    const verdict = readWriteRule(types, undefined, TYPES);
    expect(verdict).toMatchObject({ writable: false, missing: [], fixableByUpdate: false });
    expect(verdict.reason).toContain('_createdDate must be TIMESTAMP');
  });

  it("an engine's blocker wins over the columns and is not fixable by an update", () => {
    const verdict = readWriteRule(new Map(ALL), 'it is a view', TYPES);
    expect(verdict).toMatchObject({ writable: false, fixableByUpdate: false });
    expect(verdict.reason).toContain('it is a view');
  });
});
