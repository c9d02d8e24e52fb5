/**
 * The repository's text as the documentation check reads it: every source and
 * documentation file on disk (tracked or not, so a new file is checked before it
 * is committed), the comments of code files, and the prose of markdown files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** Folders that hold generated or installed files, never the project's own text. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  'dist',
  '.git',
  '.tools',
  '.turbo',
  '.test-results',
  'coverage',
  '.dev-keys',
  '.bench',
  '.terraform',
]);
const SKIPPED_FILES = new Set(['pnpm-lock.yaml']);

const CODE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);
const HASH_EXTENSIONS = new Set(['.tf', '.tfvars', '.yaml', '.yml', '.sh', '.example']);
const HASH_NAMES = new Set(['Dockerfile', '.dockerignore', '.gitignore', 'run']);
const OTHER_TEXT_EXTENSIONS = new Set(['.json', '.md']);

export type TextKind = 'code' | 'hash' | 'markdown' | 'data';

export interface RepoFile {
  /** Path relative to the repository root, with `/` separators. */
  readonly path: string;
  readonly kind: TextKind;
  readonly text: string;
}

function kindOf(name: string): TextKind | undefined {
  const ext = extname(name);
  if (CODE_EXTENSIONS.has(ext)) return 'code';
  if (ext === '.md') return 'markdown';
  if (HASH_EXTENSIONS.has(ext) || HASH_NAMES.has(name)) return 'hash';
  if (OTHER_TEXT_EXTENSIONS.has(ext)) return 'data';
  return undefined;
}

/** Every text file of the repository, `.ci/run` included. */
export function repoFiles(): RepoFile[] {
  const files: RepoFile[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const stat = statSync(full, { throwIfNoEntry: false });
      if (!stat) continue;
      if (stat.isDirectory()) {
        if (!SKIPPED_DIRS.has(name)) walk(full);
        continue;
      }
      if (SKIPPED_FILES.has(name)) continue;
      const kind = kindOf(name);
      if (!kind) continue;
      let text: string;
      try {
        text = readFileSync(full, 'utf8');
      } catch {
        continue; // removed while we walked (another test's scratch file)
      }
      files.push({ path: relative(repoRoot, full).split('\\').join('/'), kind, text });
    }
  };
  walk(repoRoot);
  return files;
}

export interface TextSpan {
  /** 1-based line of the span's first character. */
  readonly line: number;
  readonly text: string;
}

/** Characters after which a `/` starts a regular expression literal rather than a division. */
const REGEX_PRECEDERS = new Set(['', ...'(,=:[!&|?{};+-*%<>~^']);

/**
 * The comments of a JavaScript/TypeScript file. A small scanner that knows
 * strings, template literals (with `${}` nesting) and regular expression
 * literals, so that `'http://…'` or `/["']/` are not taken for comments.
 */
export function codeComments(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  let i = 0;
  let line = 1;
  let lastSignificant = '';
  let lastWord = '';
  const templateDepth: number[] = [];
  let braceDepth = 0;
  const advance = (to: number): void => {
    for (let k = i; k < to; k++) if (text[k] === '\n') line++;
    i = to;
  };
  const skipString = (quote: string): void => {
    let k = i + 1;
    while (k < text.length && text[k] !== quote && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
    advance(k + 1);
  };
  const skipTemplate = (): void => {
    // From just after a backtick (or a closing `}` of `${}`) to the closing backtick or the next `${`.
    let k = i;
    while (k < text.length) {
      if (text[k] === '\\') {
        k += 2;
        continue;
      }
      if (text[k] === '`') {
        advance(k + 1);
        return;
      }
      if (text[k] === '$' && text[k + 1] === '{') {
        templateDepth.push(braceDepth);
        braceDepth++;
        advance(k + 2);
        return;
      }
      k++;
    }
    advance(k);
  };
  while (i < text.length) {
    const c = text[i] as string;
    const next = text[i + 1];
    if (c === '\n') {
      advance(i + 1);
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      spans.push({ line, text: text.slice(i + 2, stop) });
      advance(stop);
      continue;
    }
    if (c === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end;
      spans.push({ line, text: text.slice(i + 2, stop) });
      advance(stop + 2);
      continue;
    }
    if (c === '"' || c === "'") {
      skipString(c);
      lastSignificant = c;
      lastWord = '';
      continue;
    }
    if (c === '`') {
      i++;
      skipTemplate();
      lastSignificant = '`';
      lastWord = '';
      continue;
    }
    if (c === '{') braceDepth++;
    if (c === '}') {
      braceDepth--;
      if (templateDepth.length > 0 && templateDepth[templateDepth.length - 1] === braceDepth) {
        templateDepth.pop();
        i++;
        skipTemplate();
        lastSignificant = '`';
        continue;
      }
    }
    if (c === '/' && (REGEX_PRECEDERS.has(lastSignificant) || lastWord === 'return' || lastWord === 'typeof')) {
      let k = i + 1;
      let inClass = false;
      while (k < text.length && text[k] !== '\n') {
        if (text[k] === '\\') {
          k += 2;
          continue;
        }
        if (text[k] === '[') inClass = true;
        else if (text[k] === ']') inClass = false;
        else if (text[k] === '/' && !inClass) break;
        k++;
      }
      advance(k + 1);
      lastSignificant = '/';
      lastWord = '';
      continue;
    }
    if (/[\w$]/.test(c)) {
      let k = i;
      while (k < text.length && /[\w$]/.test(text[k] as string)) k++;
      lastWord = text.slice(i, k);
      lastSignificant = 'a';
      i = k;
      continue;
    }
    lastSignificant = c;
    lastWord = '';
    i++;
  }
  return spans;
}

/** `#` comments of Terraform, YAML, shell and Dockerfiles (a `#` inside quotes is not one). */
export function hashComments(text: string): TextSpan[] {
  const spans: TextSpan[] = [];
  text.split('\n').forEach((source, index) => {
    let quote = '';
    for (let k = 0; k < source.length; k++) {
      const c = source[k];
      if (quote) {
        if (c === '\\') k++;
        else if (c === quote) quote = '';
      } else if (c === '"' || c === "'") quote = c;
      else if (c === '#') {
        spans.push({ line: index + 1, text: source.slice(k + 1) });
        return;
      }
    }
  });
  return spans;
}

/** The lines of a markdown file, and whether each is inside a fenced code block. */
export function markdownLines(text: string): { line: number; text: string; fenced: boolean }[] {
  let fenced = false;
  return text.split('\n').map((source, index) => {
    if (/^\s*(```|~~~)/.test(source)) {
      fenced = !fenced;
      return { line: index + 1, text: source, fenced: true };
    }
    return { line: index + 1, text: source, fenced };
  });
}

/** Where prose lives: comments of code files, every line of markdown files. */
export function proseOf(file: RepoFile): TextSpan[] {
  switch (file.kind) {
    case 'code':
      return codeComments(file.text);
    case 'hash':
      return hashComments(file.text);
    case 'markdown':
      return markdownLines(file.text);
    default:
      return [];
  }
}
