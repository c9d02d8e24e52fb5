/**
 * Cloud Spanner's GoogleSQL: the default compiler with Spanner's names.
 * Schema object names are letters, digits and underscores, at most 128
 * characters (Spanner "Naming rules"); anything else cannot name a real table
 * or column, so it is refused instead of quoted.
 *
 * Returned TIMESTAMP values are read as UNIX_MILLIS: the Node client decodes
 * a TIMESTAMP through PreciseDate, which reads the last second before 1970
 * one second late and costs CPU per cell (docs/engines.md §2). Milliseconds
 * rather than microseconds: Wix instants are JS Dates (whole milliseconds),
 * and every millisecond of years 1–9999 fits a double exactly, so the cell is
 * an exact JS number (microseconds of year 9999 are past 2^53).
 */
import { GoogleSqlCompiler } from './compiler.ts';

const SPANNER_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export class SpannerCompiler extends GoogleSqlCompiler {
  override readonly name = 'spanner' as const;

  protected override identifierProblem(name: string): string | undefined {
    if (name.length > 128) return 'is longer than 128 characters (Spanner naming rules)';
    if (!SPANNER_NAME.test(name))
      return 'must be letters, digits and underscores, not starting with a digit (Spanner naming rules)';
    return undefined;
  }

  override timestampMillis(value: string): string {
    return `UNIX_MILLIS(${value})`;
  }
}

export const spanner = new SpannerCompiler();
