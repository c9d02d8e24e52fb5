/** A time of day as the Wix TIME text of its millisecond (time-of-day.ts). */
import type { Filter } from '@adaptors/core';
import { describe, expect, test } from 'vitest';
import { bigquery, type TableInfo } from '../src/index.ts';
import { timeOfDaySql, timeOfDayText } from '../src/time-of-day.ts';
import { cmp, f, where } from './fixtures.ts';

describe('timeOfDayText', () => {
  test('every Wix form and every BigQuery print of a TIME become fixed-width "HH:mm:ss.sss"', () => {
    expect(timeOfDayText('8:15')).toBe('08:15:00.000');
    expect(timeOfDayText('10:30:00')).toBe('10:30:00.000');
    expect(timeOfDayText('10:30:00.5')).toBe('10:30:00.500');
    expect(timeOfDayText('10:30:00.500')).toBe('10:30:00.500');
    // Finer digits are dropped, not rounded (as TIMESTAMPs keep their millisecond).
    expect(timeOfDayText('23:59:59.999999')).toBe('23:59:59.999');
    expect(timeOfDayText('00:00:00')).toBe('00:00:00.000');
  });

  test('anything else is not a time of day', () => {
    for (const text of ['24:00', '10:60', '10:30:60', '10', '10:30:00.', 'T10:30', ' 10:30', '10:30:00Z', '']) {
      expect(timeOfDayText(text), text).toBeUndefined();
    }
  });

  test('the SQL form reads the text of the millisecond', () => {
    expect(timeOfDaySql('`t`')).toBe("SUBSTR(CONCAT(CAST(`t` AS STRING), '.000'), 1, 12)");
  });
});

describe('a TIME column compares its operands in the same "HH:mm:ss.sss" form', () => {
  const table: TableInfo = {
    name: 'shifts',
    columns: new Map([
      ['start', { name: 'start', type: 'TIME' }],
      ['slots', { name: 'slots', type: { array: 'TIME' } }],
      ['label', { name: 'label', type: 'STRING' }],
    ]),
  };
  const params = (filter: Filter) => Object.values(where(table, filter, bigquery).params);

  test('"10:30" and "10:30:00" are the 10:30:00.000 the column answers, in every comparison', () => {
    expect(params(cmp('start', 'eq', '10:30'))).toEqual(['10:30:00.000']);
    expect(params(cmp('start', 'ne', '8:15'))).toEqual(['08:15:00.000']);
    expect(params(cmp('start', 'gt', '10:30:00'))).toEqual(['10:30:00.000']);
    expect(params(cmp('start', 'lte', '23:59:59.999000'))).toEqual(['23:59:59.999']);
    expect(params({ kind: 'in', field: f('start'), values: ['10:30', '11:00:00.5'] })).toEqual([
      ['10:30:00.000', '11:00:00.500'],
    ]);
    expect(params({ kind: 'hasAll', field: f('slots'), values: ['8:00', '12:30:00.5'] })).toEqual([
      ['08:00:00.000', '12:30:00.500'],
    ]);
    expect(params(cmp('slots', 'eq', '8:00'))).toEqual(['08:00:00.000']);
    // A whole array compared element by element.
    expect(params(cmp('slots', 'eq', ['8:00', '12:30:00.5']))).toEqual([['08:00:00.000', '12:30:00.500']]);
  });

  test('digits finer than the millisecond are kept (but trailing zeros), so ranges stay exact and no stored value equals them', () => {
    expect(params(cmp('start', 'lt', '10:30:00.0005'))).toEqual(['10:30:00.0005']);
    expect(params(cmp('start', 'gte', '9:5:0.000100'))).toEqual(['09:05:00.0001']);
    expect(params(cmp('start', 'eq', '10:30:00.500000'))).toEqual(['10:30:00.500']);
    // As text against the column's fixed-width values these compare as times.
    expect('10:30:00.000' < '10:30:00.0005' && '10:30:00.0005' < '10:30:00.001').toBe(true);
  });

  test('text that is no time of day, and the same text on a STRING column, stay as they are', () => {
    expect(params(cmp('start', 'eq', 'noon'))).toEqual(['noon']);
    expect(params(cmp('label', 'eq', '10:30'))).toEqual(['10:30']);
    expect(params({ kind: 'in', field: f('label'), values: ['10:30', '8:15'] })).toEqual([['10:30', '8:15']]);
  });
});
