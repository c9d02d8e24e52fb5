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

  it("runs its steps on node at the toolchain version (the product image's), and no other moving image", () => {
    const node = (JSON.parse(read('package.json')) as { toolchain: { node: string } }).toolchain.node;
    for (const file of ['infra/cloudbuild-release.yaml', 'infra/cloudbuild.yaml']) {
      const images = [...read(file).matchAll(/^\s+name: (\S+)/gm)].map((m) => m[1] ?? '');
      expect(images.length, file).toBeGreaterThan(0);
      for (const image of images) {
        // The docker builder is the one documented exception (the note in cloudbuild-release.yaml).
        if (image === 'gcr.io/cloud-builders/docker') continue;
        expect(image, file).toMatch(
          new RegExp(`^node:${node.replace(/\./g, '\\.')}-bookworm(-slim)?(@sha256:[0-9a-f]{64})?$`),
        );
      }
    }
    expect(read('services/spanner/Dockerfile')).toContain(`ARG NODE_IMAGE=node:${node}-bookworm-slim`);
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
