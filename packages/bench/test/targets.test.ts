/**
 * The memory reference of the goal columns (src/targets.ts pairedReference): the memory
 * target with the runtime settings of the database target it is compared with, read from
 * that service's Dockerfile, and nothing the bench adds to the service alone.
 */
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
