/**
 * The memory reference of the goal columns (src/targets.ts pairedReference): the memory
 * target with the runtime settings of the database target it is compared with, read from
 * that service's Dockerfile, and nothing the bench adds to the service alone.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from 'vitest';
import { builtInTargets, databaseTargets, pairedReference, productionNodeEnv } from '../src/targets.ts';

const repoRoot = join(import.meta.dirname, '..', '..', '..');

test('each database target is paired with the memory target running under its image settings', () => {
  const memory = builtInTargets('KEY').find((t) => t.name === 'memory');
  const services = databaseTargets('KEY', repoRoot);
  expect(memory).toBeDefined();
  expect(services.map((s) => s.name).sort()).toEqual(['bigquery', 'firestore', 'spanner']);
  for (const service of services) {
    const paired = pairedReference(memory as NonNullable<typeof memory>, service);
    const image = productionNodeEnv(join(repoRoot, 'services', service.name, 'Dockerfile'));
    expect(image.NODE_OPTIONS, `${service.name} Dockerfile sets NODE_OPTIONS`).toMatch(/--max-old-space-size/);
    expect(paired.command).toBe(memory?.command);
    expect(paired.args).toEqual(memory?.args);
    expect(paired.env).toEqual({ ...memory?.env, ...image });
    expect(paired.env.NODE_COMPILE_CACHE).toBeUndefined();
  }
});

test('the image settings are read through the stage the runtime is built FROM (per-service V8 flags)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-dockerfile-'));
  try {
    const dockerfile = (service: string) => {
      const file = join(dir, `Dockerfile.${service}`);
      writeFileSync(
        file,
        [
          'ARG NODE_IMAGE=node:24',
          `ARG SERVICE=${service}`,
          `FROM \${NODE_IMAGE} AS build`,
          'ENV NODE_OPTIONS="--build-only"',
          `FROM \${NODE_IMAGE} AS settings-a`,
          'ENV NODE_OPTIONS="--max-semi-space-size=16"',
          `FROM \${NODE_IMAGE} AS settings-b`,
          'ENV NODE_OPTIONS="--max-semi-space-size=8"',
          `FROM settings-\${SERVICE} AS runtime`,
          'ENV NODE_ENV=production \\',
          '    MALLOC_ARENA_MAX=2 \\',
          '    UNRELATED=1',
        ].join('\n'),
      );
      return file;
    };
    const settings = { NODE_ENV: 'production', MALLOC_ARENA_MAX: '2' };
    expect(productionNodeEnv(dockerfile('a'))).toEqual({ ...settings, NODE_OPTIONS: '--max-semi-space-size=16' });
    expect(productionNodeEnv(dockerfile('b'))).toEqual({ ...settings, NODE_OPTIONS: '--max-semi-space-size=8' });
    // A runtime stage FROM an image, not a stage: its own ENV lines only.
    writeFileSync(
      join(dir, 'plain'),
      'FROM node:24 AS build\nENV NODE_ENV=test\nFROM node:24\nENV NODE_ENV=production\n',
    );
    expect(productionNodeEnv(join(dir, 'plain'))).toEqual({ NODE_ENV: 'production' });
    expect(productionNodeEnv(join(dir, 'missing'))).toEqual({});
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("the services' images differ only in their young generation", () => {
  const options = (name: string) => productionNodeEnv(join(repoRoot, 'services', name, 'Dockerfile')).NODE_OPTIONS;
  expect(options('spanner')).toBe('--max-semi-space-size=16 --max-old-space-size=160');
  expect(options('firestore')).toBe('--max-semi-space-size=12 --max-old-space-size=160');
  expect(options('bigquery')).toBe(options('spanner'));
});
