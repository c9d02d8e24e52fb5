import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineProject } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

/**
 * One vitest setup for every package: tests in test/, workspace packages
 * resolved to their TypeScript sources (tests never wait for a build), and a
 * JSON report in .test-results/ that `scripts/run.mjs test` sums into
 * "N passed, N failed".
 */
export function packageTestConfig(
  name: string,
  overrides: {
    testTimeout?: number;
    setupFiles?: string[];
    globalSetup?: string[];
    fileParallelism?: boolean;
    /** Return false for an unhandled error a library raises after its client was closed (see the caller's reason). */
    onUnhandledError?: (error: Error) => boolean | undefined;
  } = {},
) {
  return defineProject({
    resolve: {
      alias: [
        { find: /^@adaptors\/([\w-]+)$/, replacement: join(root, 'packages/$1/src/index.ts') },
        { find: /^@adaptors\/([\w-]+)\/([\w-]+)$/, replacement: join(root, 'packages/$1/src/$2/index.ts') },
        { find: /^@adaptors\/([\w-]+)\/([\w-]+)\/([\w-]+)$/, replacement: join(root, 'packages/$1/src/$2/$3.ts') },
      ],
    },
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 120_000,
      setupFiles: overrides.setupFiles ?? [],
      globalSetup: overrides.globalSetup ?? [],
      fileParallelism: overrides.fileParallelism ?? true,
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      env: { METADATA_SERVER_DETECTION: 'none' },
      ...(overrides.onUnhandledError ? { onUnhandledError: overrides.onUnhandledError } : {}),
    },
  });
}
