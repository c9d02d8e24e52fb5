/** A time of day as the Wix TIME text of its millisecond (time-of-day.ts). */
import { describe, expect, test } from 'vitest';
import { timeOfDaySql, timeOfDayText } from '../src/time-of-day.ts';

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
