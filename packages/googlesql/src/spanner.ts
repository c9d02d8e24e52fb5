/**
 * Cloud Spanner's GoogleSQL: the default compiler with Spanner's names.
 * Schema object names are letters, digits and underscores, at most 128
 * characters (Spanner "Naming rules"); anything else cannot name a real table
 * or column, so it is refused instead of quoted.
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
}

export const spanner = new SpannerCompiler();
