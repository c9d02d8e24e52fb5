/**
 * Lockstep releases (CHANGELOG.md): every package carries the root version, the
 * changelog has an entry for it, and the licence the packages declare is the
 * one the repository ships.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const manifest = (path: string) => JSON.parse(read(path)) as { name: string; version?: string; license?: string };

function workspacePackages(): string[] {
  const out = ['infra/package.json'];
  for (const folder of ['packages', 'services']) {
    for (const name of readdirSync(join(root, folder))) out.push(`${folder}/${name}/package.json`);
  }
  return out;
}

describe('releases', () => {
  const version = manifest('package.json').version;

  it('the root version is a semantic version', () => {
    expect(version).toMatch(/^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?$/);
  });

  it('every package carries the root version and its licence', () => {
    for (const path of workspacePackages()) {
      const pkg = manifest(path);
      expect(pkg.version, path).toBe(version);
      expect(pkg.license, path).toBe('Apache-2.0');
    }
  });

  it('the changelog has an entry for the version, newest first', () => {
    const headings = [...read('CHANGELOG.md').matchAll(/^## \[(\d+\.\d+\.\d+[^\]]*)\]/gm)].map((m) => m[1]);
    expect(headings[0]).toBe(version);
  });

  it('the licence file is the Apache License 2.0', () => {
    expect(read('LICENSE')).toContain('Apache License\n                           Version 2.0, January 2004');
  });
});

describe('the release build (infra/cloudbuild-release.yaml)', () => {
  const config = read('infra/cloudbuild-release.yaml');

  it('builds and pushes every service image under the tag version, after the tests', () => {
    const services = readdirSync(join(root, 'services')).sort();
    expect(services.length).toBeGreaterThan(0);
    for (const service of services) {
      expect(config).toContain(`"-f", "services/${service}/Dockerfile", "-t", "\${_REGISTRY}/${service}:\${_VERSION}"`);
      expect(config).toContain(`- "\${_REGISTRY}/${service}:\${_VERSION}"`);
    }
    expect(config.indexOf('bash .ci/run')).toBeLessThan(config.indexOf('id: build-'));
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in the build config, not a JS template
    expect(config).toContain('_VERSION: "${TAG_NAME#v}"');
  });

  it("runs its steps on node at the toolchain version (the product image's) and docker at a version, no moving image", () => {
    const node = (JSON.parse(read('package.json')) as { toolchain: { node: string } }).toolchain.node;
    const files = readdirSync(join(root, 'infra'))
      .filter((name) => /^cloudbuild.*\.ya?ml$/.test(name))
      .map((name) => `infra/${name}`);
    expect(files).toEqual(expect.arrayContaining(['infra/cloudbuild-release.yaml', 'infra/cloudbuild.yaml']));
    for (const file of files) {
      const images = stepImages(read(file));
      expect(images.length, file).toBeGreaterThan(0);
      for (const image of images) {
        expect(movingImage(image, node), `${file}: ${image}`).toBeUndefined();
      }
    }
    expect(read('services/spanner/Dockerfile')).toContain(`ARG NODE_IMAGE=node:${node}-bookworm-slim`);
  });

  it('the step-image check refuses an untagged or latest builder', () => {
    const node = '24.9.0';
    expect(movingImage('gcr.io/cloud-builders/docker', node)).toContain('no version tag or digest');
    expect(movingImage("'gcr.io/cloud-builders/docker:latest'", node)).toContain('no version tag or digest');
    expect(movingImage('docker', node)).toContain('not a step image');
    expect(movingImage('node:24.9.0-bookworm-slim', node)).toBeUndefined();
    expect(movingImage('node:24-bookworm', node)).toContain('not node at');
    expect(movingImage('gcr.io/cloud-builders/docker:20.10.24', node)).toBeUndefined();
    expect(movingImage(`gcr.io/cloud-builders/docker@sha256:${'a'.repeat(64)}`, node)).toBeUndefined();
    expect(stepImages('steps:\n  - name: a\n    args: []\n  - id: b\n    name: "b:1"\n')).toEqual(['a', 'b:1']);
  });

  it("bakes the tagged commit into every image as GIT_COMMIT (Cloud Build's COMMIT_SHA)", () => {
    const services = readdirSync(join(root, 'services')).sort();
    const builds = config.split('\n').filter((line) => line.includes('"build", "-f"'));
    expect(builds).toHaveLength(services.length);
    for (const line of builds) {
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Cloud Build substitution, not a JS template
      expect(line).toContain('"--build-arg", "GIT_COMMIT=${COMMIT_SHA}"');
    }
  });

  it('refuses a tag that is not the packages version, and never names latest', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell expansion in the build config, not a JS template
    expect(config).toContain('if [[ "${TAG_NAME}" != "v${version}" ]]');
    expect(config).not.toMatch(/:latest\b/);
  });
});

/** The `name:` of every step of a Cloud Build file, unquoted. */
function stepImages(config: string): string[] {
  return [...config.matchAll(/^\s+(?:- )?name: (\S+)/gm)].map((m) => (m[1] ?? '').replace(/^(['"])(.*)\1$/, '$2'));
}

/**
 * Why a step image could change under a build, or undefined when it cannot: steps run on node at
 * the toolchain version, or on the docker builder at a Docker version tag; either may be a digest.
 */
function movingImage(image: string, node: string): string | undefined {
  const name = image.replace(/^(['"])(.*)\1$/, '$2');
  const digest = '@sha256:[0-9a-f]{64}';
  if (name.startsWith('node:')) {
    const pinned = new RegExp(`^node:${node.replace(/\./g, '\\.')}-bookworm(-slim)?(${digest})?$`);
    return pinned.test(name) ? undefined : `not node at the toolchain version ${node}`;
  }
  if (name.startsWith('gcr.io/cloud-builders/docker')) {
    return new RegExp(`^gcr\\.io/cloud-builders/docker(:\\d+\\.\\d+\\.\\d+(${digest})?|${digest})$`).test(name)
      ? undefined
      : 'no version tag or digest: pin it (gcr.io/cloud-builders/docker:20.10.24, or @sha256:…)';
  }
  return 'not a step image these builds use (node, gcr.io/cloud-builders/docker)';
}
