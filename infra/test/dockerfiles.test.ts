/**
 * Static checks of services/<db>/Dockerfile (no Docker engine on this machine; the
 * deploy-folder test replays their commands). One template for every service,
 * parameterised by ARG SERVICE: a difference other than its default is a bug.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execForm, keyValues, parseDockerfile, stage, stageChain } from './support/dockerfile.ts';
import { repoRoot, SERVICES, serviceDir } from './support/services.ts';

const toolchain = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).toolchain as {
  node: string;
  pnpm: string;
};

/** `${NAME}` as written in a Dockerfile. */
const arg = (name: string) => `\${${name}}`;

function read(service: string): string {
  return readFileSync(join(serviceDir(service as (typeof SERVICES)[number]), 'Dockerfile'), 'utf8');
}

describe.each(SERVICES)('services/%s/Dockerfile', (service) => {
  const text = existsSync(join(serviceDir(service), 'Dockerfile')) ? read(service) : '';
  const dockerfile = parseDockerfile(text || 'FROM scratch');

  it('exists and is the one template: the spanner Dockerfile but for the SERVICE default', () => {
    expect(text).not.toBe('');
    expect(dockerfile.globalArgs.SERVICE).toBe(service);
    const template = (source: string) => source.replace(/^ARG SERVICE=\w+$/m, 'ARG SERVICE=');
    expect(template(text)).toBe(template(read('spanner')));
    // No instruction names a service: every path and filter goes through ${SERVICE}.
    const instructions = dockerfile.stages.flatMap((s) => s.instructions.map((i) => `${i.keyword} ${i.args}`));
    expect(instructions.join('\n')).not.toMatch(/spanner|firestore|bigquery/);
  });

  it('pins Node and pnpm to package.json "toolchain" (exact versions, no moving tag)', () => {
    expect(dockerfile.globalArgs.NODE_IMAGE).toBe(`node:${toolchain.node}-bookworm-slim`);
    expect(dockerfile.stages.map((s) => s.from)).toEqual([
      arg('NODE_IMAGE'),
      ...SERVICES.map(() => arg('NODE_IMAGE')),
      `settings-${arg('SERVICE')}`,
    ]);
    const pnpmArg = stage(dockerfile, 'build').instructions.find(
      (i) => i.keyword === 'ARG' && i.args.startsWith('PNPM_VERSION='),
    );
    expect(pnpmArg?.args).toBe(`PNPM_VERSION=${toolchain.pnpm}`);
    expect(text).not.toMatch(/:latest\b/);
  });

  it('builds with pnpm fetch, an offline frozen install and turbo build (tsc, then the bundle)', () => {
    const runs = stage(dockerfile, 'build')
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    const pkg = `@adaptors/${arg('SERVICE')}`;
    expect(runs).toEqual([
      `npm install -g --no-audit --no-fund pnpm@${arg('PNPM_VERSION')}`,
      'pnpm fetch --frozen-lockfile',
      `pnpm install --offline --frozen-lockfile --filter "${pkg}..." --filter .`,
      `pnpm exec turbo run build --filter "${pkg}..."`,
    ]);
    const manifest = JSON.parse(readFileSync(join(serviceDir(service), 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    expect(manifest.scripts.build).toBe('tsc -p tsconfig.build.json && node ../../scripts/bundle-service.mjs');
  });

  it('has one settings stage per service, NODE_OPTIONS only, and runs from the one named for its SERVICE', () => {
    const settings = dockerfile.stages.filter((s) => s.name.startsWith('settings-'));
    expect(settings.map((s) => s.name)).toEqual(SERVICES.map((name) => `settings-${name}`));
    for (const s of settings) {
      expect(s.instructions.map((i) => i.keyword)).toEqual(['ENV']);
      expect(Object.keys(keyValues(s.instructions[0]?.args ?? ''))).toEqual(['NODE_OPTIONS']);
    }
    expect(stageChain(dockerfile, 'runtime').map((s) => s.name)).toEqual([`settings-${service}`, 'runtime']);
    // Measured per service (DEPLOY.md "Runtime"): the young generation is 16 MB on Spanner and BigQuery, 12 on Firestore.
    const semiSpace = keyValues(stage(dockerfile, `settings-${service}`).instructions[0]?.args ?? '').NODE_OPTIONS;
    expect(semiSpace).toContain(`--max-semi-space-size=${{ spanner: 16, firestore: 12, bigquery: 16 }[service]} `);
  });

  it('runs as non-root, NODE_ENV=production, node as PID 1 on the bundle, with nothing but the bundle and package.json', () => {
    const runtime = stage(dockerfile, 'runtime');
    const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(last('USER')).toBe('node');
    const env = Object.assign(
      {},
      ...stageChain(dockerfile, 'runtime').flatMap((s) =>
        s.instructions.filter((i) => i.keyword === 'ENV').map((i) => keyValues(i.args)),
      ),
    );
    expect(env).toMatchObject({
      NODE_ENV: 'production',
      NODE_COMPILE_CACHE: '/app/.node-compile-cache',
      MALLOC_ARENA_MAX: '2',
    });
    expect(env.NODE_OPTIONS).toMatch(/^--max-semi-space-size=\d+ --max-old-space-size=160$/);
    expect(execForm(last('ENTRYPOINT') ?? '')).toEqual([]);
    expect(execForm(last('CMD') ?? '')).toEqual(['node', 'dist/main.mjs']);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      `--from=build /repo/services/${arg('SERVICE')}/package.json ./package.json`,
      `--from=build /repo/services/${arg('SERVICE')}/bundle ./dist`,
    ]);
    expect(last('RUN')).toBe('node dist/warm-cache.mjs');
    // GIT_COMMIT (the release build's --build-arg, read by packages/core/src/server/start.ts) becomes
    // the image's env, declared after the last RUN so that a new commit rebuilds no layer.
    expect(env.GIT_COMMIT).toBe(arg('GIT_COMMIT'));
    const argAt = runtime.instructions.findIndex((i) => i.keyword === 'ARG' && i.args === 'GIT_COMMIT=');
    expect(argAt).toBeGreaterThan(runtime.instructions.map((i) => i.keyword).lastIndexOf('RUN'));
    // USER comes before the warm-up RUN, so the compile cache is written for the runtime uid.
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('RUN'));
  });
});

describe('.dockerignore', () => {
  const rules = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
  it.each([
    '**/node_modules',
    '**/dist',
    '**/bundle',
    '.git',
    '.dev-keys',
    '**/.env*',
    '**/*.tfstate',
    '**/*.tfvars',
    '.tools',
  ])('keeps %s out of the build context', (pattern) => {
    expect(rules.split('\n').map((l) => l.trim())).toContain(pattern);
  });
});
