/**
 * `node --import` hook for spawning a TypeScript entry file without a build (the CLI's
 * `src/cli.ts`, testkit's `src/bin/*.ts`): resolves `@adaptors/<pkg>` to
 * `packages/<pkg>/src/index.ts` (and `@adaptors/<pkg>/<sub>` to `packages/<pkg>/src/<sub>/index.ts`),
 * as vitest.shared.ts does for in-process tests. One hook for every package's spawning tests.
 * (testkit's sources use TypeScript parameter properties, so the spawn also needs
 * --experimental-transform-types.)
 */
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../../', import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = /^@adaptors\/([\w-]+)(?:\/([\w-]+))?$/.exec(specifier);
    if (match) {
      // A subpath (`@adaptors/core/server`) is that folder's index, as in vitest.shared.ts.
      const file = match[2] ? `${match[1]}/src/${match[2]}/index.ts` : `${match[1]}/src/index.ts`;
      return { url: pathToFileURL(`${packages}${file}`).href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
