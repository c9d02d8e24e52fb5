import { defineProject } from 'vitest/config';

/**
 * One vitest setup for every package: tests in test/, a JSON report in
 * .test-results/ that `scripts/run.mjs test` sums into "N passed, N failed".
 */
export function packageTestConfig(name: string, overrides: { testTimeout?: number; setupFiles?: string[] } = {}) {
  return defineProject({
    test: {
      name,
      include: ['test/**/*.test.ts'],
      environment: 'node',
      testTimeout: overrides.testTimeout ?? 20_000,
      hookTimeout: 60_000,
      setupFiles: overrides.setupFiles ?? [],
      reporters: ['default', ['json', { outputFile: '.test-results/vitest.json' }]],
      env: { METADATA_SERVER_DETECTION: 'none' },
    },
  });
}
