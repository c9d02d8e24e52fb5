/**
 * Static checks of services/<db>/Dockerfile (no Docker engine on this machine; the
 * deploy-folder test replays their commands). One template for every service:
 * a difference other than the service name is a bug in one of them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { execForm, keyValues, parseDockerfile, stage } from './support/dockerfile.ts';
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

  it('exists and is the spanner Dockerfile with the service name swapped', () => {
    expect(text).not.toBe('');
    const normalise = (source: string, name: string) =>
      source
        .replaceAll(name, 'SERVICE')
        .replace(
          /^# Cloud Run image of the .* adaptor \(@adaptors\/SERVICE\)\.$/m,
          '# Cloud Run image of (@adaptors/SERVICE).',
        );
    expect(normalise(text, service)).toBe(normalise(read('spanner'), 'spanner'));
  });

  it('pins Node and pnpm to package.json "toolchain" (exact versions, no moving tag)', () => {
    expect(dockerfile.globalArgs.NODE_IMAGE).toBe(`node:${toolchain.node}-bookworm-slim`);
    expect(dockerfile.stages.map((s) => s.from)).toEqual([arg('NODE_IMAGE'), arg('NODE_IMAGE')]);
    const pnpmArg = stage(dockerfile, 'build').instructions.find(
      (i) => i.keyword === 'ARG' && i.args.startsWith('PNPM_VERSION='),
    );
    expect(pnpmArg?.args).toBe(`PNPM_VERSION=${toolchain.pnpm}`);
    expect(text).not.toMatch(/:latest\b/);
  });

  it('builds with pnpm fetch, an offline frozen install, turbo build and pnpm deploy --prod', () => {
    const runs = stage(dockerfile, 'build')
      .instructions.filter((i) => i.keyword === 'RUN')
      .map((i) => i.args);
    const pkg = `@adaptors/${service}`;
    expect(runs).toEqual([
      `npm install -g --no-audit --no-fund pnpm@${arg('PNPM_VERSION')}`,
      'pnpm fetch --frozen-lockfile',
      `pnpm install --offline --frozen-lockfile --filter "${pkg}..." --filter .`,
      `pnpm exec turbo run build --filter "${pkg}..."`,
      `pnpm deploy --prod --offline --frozen-lockfile --config.inject-workspace-packages=true --filter ${pkg} /out`,
    ]);
  });

  it('runs as non-root, NODE_ENV=production, node as PID 1 on dist/main.js, with only dist + prod node_modules', () => {
    const runtime = stage(dockerfile, 'runtime');
    const last = (keyword: string) => runtime.instructions.filter((i) => i.keyword === keyword).at(-1)?.args;
    expect(last('USER')).toBe('node');
    const env = Object.assign(
      {},
      ...runtime.instructions.filter((i) => i.keyword === 'ENV').map((i) => keyValues(i.args)),
    );
    expect(env).toMatchObject({ NODE_ENV: 'production', NODE_COMPILE_CACHE: '/app/.node-compile-cache' });
    expect(execForm(last('ENTRYPOINT') ?? '')).toEqual([]);
    expect(execForm(last('CMD') ?? '')).toEqual(['node', 'dist/main.js']);
    const copies = runtime.instructions.filter((i) => i.keyword === 'COPY').map((i) => i.args);
    expect(copies).toEqual([
      '--from=build /out/package.json ./package.json',
      '--from=build /out/node_modules ./node_modules',
      '--from=build /out/dist ./dist',
    ]);
    // USER comes before the warm-up RUN, so the compile cache is written for the runtime uid.
    const keywords = runtime.instructions.map((i) => i.keyword);
    expect(keywords.lastIndexOf('USER')).toBeLessThan(keywords.lastIndexOf('RUN'));
  });
});

describe('.dockerignore', () => {
  const rules = readFileSync(join(repoRoot, '.dockerignore'), 'utf8');
  it.each(['**/node_modules', '**/dist', '.git', '.dev-keys', '**/.env*', '**/*.tfstate', '**/*.tfvars', '.tools'])(
    'keeps %s out of the build context',
    (pattern) => {
      expect(rules.split('\n').map((l) => l.trim())).toContain(pattern);
    },
  );
});
