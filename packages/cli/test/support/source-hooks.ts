/**
 * `node --import` hook for spawning `src/cli.ts` without a build: resolves
 * `@adaptors/<pkg>` to `packages/<pkg>/src/index.ts`, as vitest.shared.ts does
 * for in-process tests. (testkit's sources use TypeScript parameter
 * properties, so the spawn also needs --experimental-transform-types.)
 */
import { registerHooks } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const packages = fileURLToPath(new URL('../../../', import.meta.url));

registerHooks({
  resolve(specifier, context, nextResolve) {
    const match = /^@adaptors\/([\w-]+)$/.exec(specifier);
    if (match) return { url: pathToFileURL(`${packages}${match[1]}/src/index.ts`).href, shortCircuit: true };
    return nextResolve(specifier, context);
  },
});
