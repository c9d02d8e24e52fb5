/**
 * Documents generated from code (a service's TYPES.md): the committed file
 * must be exactly what the code renders, so they cannot drift. With the
 * update variable set, the test rewrites the file instead of failing.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect } from 'vitest';

/** Markdown formatters pad table cells: compare cell contents, not padding. */
function normalise(markdown: string): string {
  return markdown
    .trim()
    .split('\n')
    .map((line) =>
      line.startsWith('|')
        ? line
            .split(/(?<!\\)\|/)
            .map((cell) =>
              cell
                .trim()
                .replace(/^:?-{3,}:?$/, '---')
                .replace(/\s+/g, ' '),
            )
            .join('|')
        : line.trimEnd(),
    )
    .join('\n');
}

export function expectGeneratedDoc(file: string, rendered: string, updateVariable: string): void {
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '';
  if (normalise(current) === normalise(rendered)) return;
  if (process.env[updateVariable] === '1') {
    writeFileSync(file, rendered);
    return;
  }
  expect(normalise(current), `${file} is out of date: regenerate it with ${updateVariable}=1`).toBe(
    normalise(rendered),
  );
}
