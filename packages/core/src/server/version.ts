/**
 * The product version a running binary reports (`--version`, the startup log
 * line, every log line's `serviceContext`). Every package of the repository
 * carries the same version (lockstep releases, CHANGELOG.md; checked by
 * infra/test/release.test.ts), so a binary reads the package.json nearest to
 * its own module: the same file in the source tree, in `dist/` and in the
 * deployed image (`pnpm deploy` keeps each package's package.json).
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The `version` of the nearest package.json above `moduleUrl`; `0.0.0-unknown` when none is found. */
export function packageVersion(moduleUrl: string): string {
  // Not `import … from 'node:fs'`: an ES module import of node:fs makes its whole namespace,
  // `promises` included, which loads fs/promises and readline (~6 ms of every service's cold
  // start, packages/bench/RESULTS.md); the CommonJS module is loaded with Node already.
  const { readFileSync } = process.getBuiltinModule('node:fs');
  let dir = dirname(fileURLToPath(moduleUrl));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { version?: unknown };
      if (typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no package.json here (or unreadable): keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0-unknown';
    dir = parent;
  }
}
