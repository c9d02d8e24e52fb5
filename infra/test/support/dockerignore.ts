/**
 * Copies the repo into a build context the way Docker does with the root
 * .dockerignore: patterns relative to the root, `*`, `?`, `**`, `!` exceptions,
 * and a pattern that matches a folder excludes everything in it.
 */
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Rule {
  readonly exclude: boolean;
  readonly pattern: RegExp;
}

export function readDockerignore(file: string): Rule[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      return { exclude, pattern: globToRegExp(exclude ? line : line.slice(1)) };
    });
}

function globToRegExp(glob: string): RegExp {
  const pattern = glob.replace(/^\/+|\/+$/g, '');
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern.charAt(i);
    if (char === '*' && pattern.charAt(i + 1) === '*') {
      i++;
      if (pattern.charAt(i + 1) === '/') {
        i++;
        source += '(?:.*/)?';
      } else {
        source += '.*';
      }
    } else if (char === '*') {
      source += '[^/]*';
    } else if (char === '?') {
      source += '[^/]';
    } else {
      source += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Docker's rule: the last matching pattern wins; a pattern matches the path or one of its parent folders. */
export function isExcluded(relativePath: string, rules: readonly Rule[]): boolean {
  const segments = relativePath.split('/');
  const prefixes = segments.map((_, i) => segments.slice(0, i + 1).join('/'));
  let excluded = false;
  for (const rule of rules) {
    if (prefixes.some((prefix) => rule.pattern.test(prefix))) excluded = rule.exclude;
  }
  return excluded;
}

/** Copies `root` into `target`, leaving out what .dockerignore excludes; returns the relative paths copied. */
export function copyBuildContext(root: string, target: string, rules: readonly Rule[]): string[] {
  const copied: string[] = [];
  // With no "!" exception an excluded folder cannot contain anything included: skip it whole.
  const hasExceptions = rules.some((rule) => !rule.exclude);
  const walk = (relative: string) => {
    for (const entry of readdirSync(join(root, relative), { withFileTypes: true })) {
      const path = relative === '' ? entry.name : `${relative}/${entry.name}`;
      const excluded = isExcluded(path, rules);
      if (entry.isDirectory()) {
        if (!excluded || hasExceptions) walk(path);
      } else if (!excluded) {
        cpSync(join(root, path), join(target, path), { verbatimSymlinks: true });
        copied.push(path);
      }
    }
  };
  walk('');
  return copied;
}
