/**
 * `node --import` hook for spawning a testkit bin from its TypeScript source without a build:
 * resolves `@adaptors/<pkg>` to `packages/<pkg>/src/index.ts`, as vitest.shared.ts does for
 * in-process tests (the same hook as packages/cli/test/support/source-hooks.ts).
 */
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../../../', import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = /^@adaptors\/([\w-]+)(?:\/([\w-]+))?$/.exec(specifier);
    if (match) {
      const file = match[2] ? `${match[1]}/src/${match[2]}/index.ts` : `${match[1]}/src/index.ts`;
      return { url: pathToFileURL(`${packages}${file}`).href, shortCircuit: true };
    }
    return nextResolve(specifier, context);
  },
});
