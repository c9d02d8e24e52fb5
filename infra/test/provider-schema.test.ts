/**
 * Every resource attribute of infra/ against the google provider's schema, offline:
 * provider-schema/google-<version>.json is that release's schema (built from the
 * provider's published documentation by provider-schema/extract.ts, in the shape of
 * `terraform providers schema -json`). A misnamed argument, block or attribute
 * reference fails here, as `terraform validate` would fail with the provider downloaded.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infraDir, readTerraform, requiredProviders, type TerraformConfig } from './support/hcl.ts';
import {
  checkNames,
  checkReferences,
  checkResources,
  type ProviderSchemas,
  readSchema,
} from './support/provider-schema.ts';
import { SERVICES } from './support/services.ts';

const MODULE_SOURCE = '../modules/adaptor-service';
let module: TerraformConfig;
const roots: TerraformConfig[] = [];
let schema: ProviderSchemas;
let pinned: string;

beforeAll(async () => {
  module = await readTerraform(infraDir('modules', 'adaptor-service'));
  for (const service of SERVICES) roots.push(await readTerraform(infraDir(service)));
  pinned = String((requiredProviders(module).google as { version?: string }).version);
  schema = readSchema(infraDir('test', 'provider-schema', `google-${pinned}.json`));
});

const modules = () => new Map([[MODULE_SOURCE, module]]);

describe('the google provider schema', () => {
  it('is the schema of the pinned provider version', () => {
    expect(schema.extract?.version).toBe(pinned);
  });

  it.each(['modules/adaptor-service', ...SERVICES])('infra/%s: every resource argument and block exists', (dir) => {
    const config = dir === 'modules/adaptor-service' ? module : roots[SERVICES.indexOf(dir as never)];
    expect(checkResources(config as TerraformConfig, schema)).toEqual([]);
  });

  it.each(['modules/adaptor-service', ...SERVICES])(
    'infra/%s: every reference names a declared resource attribute, variable, local or module output',
    (dir) => {
      const config = (
        dir === 'modules/adaptor-service' ? module : roots[SERVICES.indexOf(dir as never)]
      ) as TerraformConfig;
      expect(checkReferences(config, schema)).toEqual([]);
      expect(checkNames(config, modules())).toEqual([]);
    },
  );
});

describe('a misnamed attribute fails', () => {
  let copy: string;
  beforeAll(() => {
    copy = mkdtempSync(join(tmpdir(), 'infra-schema-'));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  /** The module with one edit, read back as Terraform. */
  async function moduleWith(from: string, to: string): Promise<TerraformConfig> {
    const dir = join(copy, String(Math.random()).slice(2));
    cpSync(infraDir('modules', 'adaptor-service'), dir, { recursive: true, dereference: true });
    const main = readFileSync(join(dir, 'main.tf'), 'utf8');
    expect(main, `the module contains ${from}`).toContain(from);
    writeFileSync(join(dir, 'main.tf'), main.replace(from, to));
    return readTerraform(dir);
  }

  it.each([
    [
      'invoker_iam_disabled = var',
      'invoker_iam_disable = var',
      'google_cloud_run_v2_service.this: unknown argument "invoker_iam_disable"',
    ],
    [
      'startup_cpu_boost = true',
      'startup_cpu_bost = true',
      'google_cloud_run_v2_service.this.template.containers.resources: unknown argument "startup_cpu_bost"',
    ],
    ['scaling {', 'scale {', 'google_cloud_run_v2_service.this.template: unknown argument "scale"'],
    [
      'secret_key_ref {',
      'secret_ref {',
      'google_cloud_run_v2_service.this.template.containers.env.value_source: unknown argument "secret_ref"',
    ],
    [
      '  account_id   = ',
      '  account      = ',
      'google_service_account.this: required argument "account_id" is missing',
    ],
    [
      '  ingress             = ',
      '  uri = "x"\n  ingress             = ',
      'google_cloud_run_v2_service.this.uri: read-only (computed) attribute, cannot be set',
    ],
  ])('%s → %s', async (from, to, problem) => {
    expect(checkResources(await moduleWith(from, to), schema)).toContain(problem);
  });

  it('a reference to an attribute the resource does not have', async () => {
    const config = await moduleWith(
      'member    = google_service_account.this.member',
      'member    = google_service_account.this.membr',
    );
    expect(checkReferences(config, schema)).toContain(
      'google_service_account.this.membr: google_service_account has no attribute "membr"',
    );
  });

  it('a misspelt variable, and a module argument the module does not declare', async () => {
    const config = await moduleWith(
      'count = var.public_access == "all_users"',
      'count = var.public_acess == "all_users"',
    );
    expect(checkNames(config, modules())).toContain('var.public_acess: no variable "public_acess"');
    const root = roots[0] as TerraformConfig;
    const call = (root.json.module as Record<string, Record<string, unknown>[]>).service?.[0] ?? {};
    const altered: TerraformConfig = {
      dir: root.dir,
      json: { ...root.json, module: { service: [{ ...call, min_instance: 1 }] } },
    };
    expect(checkNames(altered, modules())).toContain('module.service: the module has no variable "min_instance"');
  });
});
