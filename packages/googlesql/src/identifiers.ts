/**
 * The ONE way an identifier (table, column, alias) or a JSON path reaches the
 * SQL text (docs/design.md §3). Values never come here: they are parameters.
 */

/**
 * GoogleSQL quoted identifiers are enclosed in backticks, may hold any
 * character and "have the same escape sequences as string literals"
 * (GoogleSQL lexical structure, README.md). So a backtick or a backslash
 * could end or bend the quoting: both are refused, as are control characters
 * (a newline in a name is never legitimate).
 */
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_IN_BACKTICKS = /[`\\\u0000-\u001f\u007f]/;

/** Backticks around `name`; `problem` is the engine's own naming rule (compiler.ts `identifierProblem`). */
export function quoteIdentifier(name: string, engine: string, problem: (name: string) => string | undefined): string {
  if (typeof name !== 'string' || name.length === 0) throw new Error('Invalid SQL identifier: empty name');
  if (UNSAFE_IN_BACKTICKS.test(name)) {
    throw new Error(
      `Invalid SQL identifier ${JSON.stringify(name)}: backticks, backslashes and control characters are not allowed`,
    );
  }
  const why = problem(name);
  if (why) throw new Error(`Invalid ${engine} identifier ${JSON.stringify(name)}: ${why}`);
  return `\`${name}\``;
}

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const UNSAFE_IN_PATH = /["'\\\u0000-\u001f\u007f]/;

/**
 * A JSONPath string literal for JSON_QUERY (`'$.a."b c"'`). The path must be
 * a literal in both dialects, so object keys reach the SQL text: plain keys
 * as `.key`, others in double quotes (the documented way to escape JSONPath
 * characters, e.g. `"a.b"`). A key holding a double quote, a single quote, a
 * backslash or a control character cannot be written safely and is refused.
 */
export function jsonPathLiteral(segments: readonly string[]): string {
  let path = '$';
  for (const segment of segments) {
    if (typeof segment !== 'string' || segment.length === 0) throw new Error('Invalid JSON path: empty key');
    if (UNSAFE_IN_PATH.test(segment)) {
      throw new Error(
        `Invalid JSON path key ${JSON.stringify(segment)}: quotes, backslashes and control characters are not allowed`,
      );
    }
    path += PLAIN_KEY.test(segment) ? `.${segment}` : `."${segment}"`;
  }
  return `'${path}'`;
}
