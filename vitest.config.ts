import { defineConfig } from 'vitest/config';

// Running `vitest` at the root runs every package as a project; turbo runs each
// package's own vitest.config.ts.
export default defineConfig({
  test: { projects: ['packages/*', 'services/*'] },
});
