/**
 * The repository explains itself (docs/README.md): a comment or a markdown file
 * that names a repository file names one that exists, a markdown link leads to a
 * file of the repository, a citation `docs/<page>.md §N` names a section that
 * exists, and nothing points at documents that live outside the repository (the
 * project's working notes, a sibling `shared/` folder, an issue tracker's
 * section numbers). Runs on every text file on disk, committed or not.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownLines, proseOf, type RepoFile, repoFiles, repoRoot } from './support/repo-text.ts';

const files = repoFiles();
/** This check and its helper spell the forbidden names out, so they are exempt from that one rule. */
const SELF = new Set(['infra/test/repo-docs.test.ts', 'infra/test/support/repo-text.ts']);

function exists(path: string): boolean {
  return existsSync(join(repoRoot, path));
}

/** A built file named in prose (`…/dist/x.js`) exists when its source does. */
function existsOrBuiltFrom(path: string): boolean {
  if (exists(path)) return true;
  if (!path.includes('/dist/')) return false;
  const source = path.replace('/dist/', '/src/').replace(/\.d\.ts$|\.js$/, '.ts');
  return exists(source);
}

/** The package folder a file belongs to (`packages/core`, `services/spanner`, `infra`), if any. */
function packageRootOf(path: string): string | undefined {
  const parts = path.split('/');
  if ((parts[0] === 'packages' || parts[0] === 'services') && parts.length > 2) return `${parts[0]}/${parts[1]}`;
  if (parts[0] === 'infra') return 'infra';
  return undefined;
}

const PACKAGE_ROOTS = [...new Set(files.map((f) => packageRootOf(f.path)).filter((r) => r !== undefined))];

/** Repository paths written from the root: `packages/core/src/errors.ts`, `docs/protocol.md`, `.ci/run`. */
const ROOT_PATH = /(?<![\w./@~-])((?:packages|services|infra|scripts|docs|\.ci)\/[\w./-]*)/g;
/** Paths written from a package's root: `src/storage.ts`, `test/support/hcl.ts`. */
const PACKAGE_PATH = /(?<![\w./@~-])((?:src|test)\/[\w./-]*[\w])/g;

function trimPath(raw: string): string {
  return raw.replace(/[.-]+$/, '');
}

interface Problem {
  readonly where: string;
  readonly what: string;
}

function at(file: RepoFile, line: number): string {
  return `${file.path}:${line}`;
}

describe('the repository explains itself', () => {
  it('reads a sensible set of files', () => {
    const paths = files.map((f) => f.path);
    expect(paths).toContain('README.md');
    expect(paths).toContain('docs/protocol.md');
    expect(paths).toContain('packages/core/src/errors.ts');
    expect(paths).toContain('.ci/run');
    expect(paths.some((p) => p.includes('node_modules/'))).toBe(false);
  });

  it('every repository path named in a comment or in markdown exists', () => {
    const problems: Problem[] = [];
    for (const file of files) {
      const root = packageRootOf(file.path);
      for (const span of proseOf(file)) {
        const lineOf = (index: number): number => span.line + (span.text.slice(0, index).match(/\n/g)?.length ?? 0);
        for (const match of span.text.matchAll(ROOT_PATH)) {
          const path = trimPath(match[1] as string);
          if (!existsOrBuiltFrom(path)) problems.push({ where: at(file, lineOf(match.index)), what: path });
        }
        if (!root) continue;
        for (const match of span.text.matchAll(PACKAGE_PATH)) {
          const path = trimPath(match[1] as string);
          // Relative to the file's package, to the file's own folder, or (prose about
          // "each service's src/settings.ts") to some other package.
          const candidates = [
            `${root}/${path}`,
            posix.join(dirname(file.path), path),
            ...PACKAGE_ROOTS.map((r) => `${r}/${path}`),
          ];
          if (!candidates.some(existsOrBuiltFrom)) {
            problems.push({ where: at(file, lineOf(match.index)), what: `${root}/${path}` });
          }
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every relative markdown link leads to a file of the repository', () => {
    const problems: Problem[] = [];
    const LINK = /\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)|^\s*\[[^\]]+\]:\s*(\S+)/g;
    for (const file of files.filter((f) => f.kind === 'markdown')) {
      for (const { line, text, fenced } of markdownLines(file.text)) {
        if (fenced) continue;
        for (const match of text.matchAll(LINK)) {
          const target = (match[1] ?? match[2]) as string;
          if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('#')) continue;
          const path = decodeURI(target.split('#')[0] as string);
          const resolved = path.startsWith('/') ? path.slice(1) : posix.join(dirname(file.path), path);
          if (resolved.startsWith('..'))
            problems.push({ where: at(file, line), what: `${target} leaves the repository` });
          else if (!exists(resolved)) problems.push({ where: at(file, line), what: `${target} (→ ${resolved})` });
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('every docs/<page>.md §N citation names a page and a section that exist', () => {
    const sections = new Map<string, Set<string>>();
    const sectionsOf = (page: string): Set<string> | undefined => {
      if (!sections.has(page)) {
        if (!exists(page)) return undefined;
        const found = new Set<string>();
        for (const line of readFileSync(join(repoRoot, page), 'utf8').split('\n')) {
          const heading = /^#+\s+(\d+(?:\.\d+)*)\.?\s/.exec(line);
          if (heading) found.add(heading[1] as string);
        }
        sections.set(page, found);
      }
      return sections.get(page);
    };
    const CITATION = /(docs\/[\w-]+\.md)((?:[ ,;]*(?:and )?§ ?\d+(?:\.\d+)*(?: ?[–-] ?§? ?\d+(?:\.\d+)*)?)+)/g;
    const problems: Problem[] = [];
    for (const file of files) {
      file.text.split('\n').forEach((text, index) => {
        for (const match of text.matchAll(CITATION)) {
          const page = match[1] as string;
          const known = sectionsOf(page);
          if (!known) {
            problems.push({ where: at(file, index + 1), what: `${page} does not exist` });
            continue;
          }
          for (const number of (match[2] as string).matchAll(/(\d+(?:\.\d+)*)/g)) {
            if (!known.has(number[1] as string)) {
              problems.push({ where: at(file, index + 1), what: `${page} has no §${number[1]}` });
            }
          }
        }
      });
    }
    expect(problems).toEqual([]);
  });

  it('every markdown table has a header row and a separator (a blank line inside one splits it)', () => {
    const problems: Problem[] = [];
    for (const file of files.filter((f) => f.kind === 'markdown')) {
      const lines = file.text.split('\n');
      let fenced = false;
      let block: number[] = [];
      const close = () => {
        const second = lines[block[1] ?? -1] ?? '';
        if (block.length > 0 && !/^\|(\s*:?-{3,}:?\s*\|)+\s*$/.test(second)) {
          problems.push({
            where: at(file, (block[0] ?? 0) + 1),
            what: 'table rows without a header: rendered as text',
          });
        }
        block = [];
      };
      lines.forEach((line, index) => {
        if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
        if (!fenced && line.startsWith('|')) block.push(index);
        else close();
      });
      close();
    }
    expect(problems.map((p) => `${p.where}: ${p.what}`)).toEqual([]);
  });

  it('nothing cites documents that live outside the repository', () => {
    const names = new Set(files.map((f) => basename(f.path)));
    // Each rule: what gives it away, and the file whose presence in the repository would make it fine.
    // The outside documents' names are assembled here rather than written out, so this test's own
    // source never looks like a citation of them to a plain text search.
    const md = (stem: string) => `${stem}.md`;
    const named = (stem: string, tail = '(?:\\.md)?(?![\\w-])') => new RegExp(`(?<![\\w-])${stem}${tail}`);
    const rules: { pattern: RegExp; unless?: string; why: string }[] = [
      { pattern: new RegExp(`\\b${'DESIGN'}\\.md\\b`), unless: md('DESIGN'), why: 'cite docs/design.md' },
      { pattern: named('spi-v3'), unless: md('spi-v3'), why: 'cite docs/protocol.md' },
      { pattern: named('wix-data-semantics'), unless: md('wix-data-semantics'), why: 'cite docs/semantics.md' },
      { pattern: named('legacy-spi'), unless: md('legacy-spi'), why: 'cite docs/legacy.md' },
      {
        pattern: named('connections-api', '(?:\\.md|\\s*§)'),
        unless: md('connections-api'),
        why: 'cite docs/connections.md',
      },
      { pattern: named('toolchain', '\\.md\\b'), unless: md('toolchain'), why: 'cite docs/engines.md' },
      { pattern: /\.\.\/shared\b|\/work\/shared\b/, why: 'a folder outside the repository' },
      { pattern: /\bissue \d+ §/i, why: "an issue's section numbers; say what is meant" },
    ];
    const problems: Problem[] = [];
    for (const file of files) {
      if (SELF.has(file.path)) continue;
      file.text.split('\n').forEach((text, index) => {
        for (const rule of rules) {
          if (rule.unless && names.has(rule.unless)) continue;
          const found = rule.pattern.exec(text);
          if (found) problems.push({ where: at(file, index + 1), what: `"${found[0]}": ${rule.why}` });
        }
      });
    }
    expect(problems).toEqual([]);
  });
});
