/**
 * Offline checks of infra/: formatting with the real `terraform fmt`, and the
 * structure read from the HCL (no provider download needed). What `terraform
 * validate` would need the network for, these tests pin down by reading the code.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Block,
  evaluateRegexCondition,
  expression,
  infraDir,
  locals,
  namedBlocks,
  nested,
  readTerraform,
  readTfvars,
  requiredProviders,
  type TerraformConfig,
  tf,
  typedBlocks,
  validations,
} from './support/hcl.ts';
import {
  hasSettings,
  loadServiceSettings,
  repoRoot,
  SERVICES,
  type ServiceName,
  type SettingInfo,
} from './support/services.ts';

const MODULE_SOURCE = '../modules/adaptor-service';
const terraformAvailable = spawnSync('terraform', ['version'], { encoding: 'utf8' }).error === undefined;

// Roles a root may grant at project level, each because no narrower level exists.
const PROJECT_LEVEL_ROLES: Readonly<Record<string, string>> = {
  'roles/datastore.user': 'Firestore has no database-level IAM (narrowed by an IAM condition)',
  'roles/datastore.indexAdmin': 'Firestore indexes are managed at project level (narrowed by an IAM condition)',
  'roles/bigquery.jobUser': 'BigQuery jobs belong to a project',
};

// Settings Terraform never sets: Cloud Run owns the listener, emulators are for development.
const NOT_FOR_CLOUD_RUN: Readonly<Record<string, string>> = {
  PORT: 'Cloud Run sets PORT itself and refuses a revision that sets it',
  HOST: 'the default 0.0.0.0 is what Cloud Run needs',
  BIGQUERY_API_ENDPOINT: 'points the client at a local emulator (development only)',
  BIGQUERY_CREATE_DATASET: 'local development: the bigquery root creates the dataset itself (create_dataset)',
  SPANNER_EMULATOR_CREATE: 'local development on the emulator only',
};
const isEmulatorSetting = (name: string) => name.includes('_EMULATOR_');

/** Env names a service's src reads directly (`env.NAME`), outside its settings, e.g. SPANNER_DISABLE_BUILTIN_METRICS. */
function readOutsideSettings(service: ServiceName): string[] {
  const src = join(repoRoot, 'services', service, 'src');
  const names = new Set<string>();
  for (const file of readdirSync(src).filter((f) => f.endsWith('.ts'))) {
    for (const m of readFileSync(join(src, file), 'utf8').matchAll(/\benv\??\.([A-Z][A-Z0-9_]+)/g))
      names.add(m[1] ?? '');
  }
  return [...names].sort();
}

describe('terraform fmt', () => {
  it.skipIf(!terraformAvailable)('infra/ is formatted (terraform fmt -check -recursive infra)', () => {
    const result = spawnSync('terraform', ['fmt', '-check', '-recursive', '-list=true', 'infra'], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    expect(result.stdout.trim(), 'files terraform fmt would change (run: terraform fmt -recursive infra)').toBe('');
    expect(result.status).toBe(0);
  });

  it.runIf(!terraformAvailable)('terraform is not installed: fmt check skipped', () => {
    console.warn('terraform binary not found on PATH: `terraform fmt -check` skipped (install Terraform >= 1.9)');
  });
});

let module: TerraformConfig;
const roots = new Map<ServiceName, TerraformConfig>();

beforeAll(async () => {
  module = await readTerraform(infraDir('modules', 'adaptor-service'));
  for (const service of SERVICES) roots.set(service, await readTerraform(infraDir(service)));
});

function root(service: ServiceName): TerraformConfig {
  const config = roots.get(service);
  if (!config) throw new Error(`no Terraform root for ${service}`);
  return config;
}

function resources(config: TerraformConfig, type: string): Block[] {
  return typedBlocks(config, 'resource').filter((block) => block.type === type);
}

function variable(config: TerraformConfig, name: string): Block {
  const found = namedBlocks(config, 'variable').find((block) => block.name === name);
  if (!found) throw new Error(`${config.dir}: no variable "${name}"`);
  return found;
}

function imageCondition(config: TerraformConfig): string {
  const rule = validations(variable(config, 'image')).find((v) => v.condition.includes('regex'));
  if (!rule) throw new Error(`${config.dir}: variable "image" has no regex validation`);
  return rule.condition;
}

describe('modules/adaptor-service', () => {
  it('runs a google_cloud_run_v2_service (never the legacy google_cloud_run_service)', () => {
    expect(resources(module, 'google_cloud_run_v2_service')).toHaveLength(1);
    for (const config of [module, ...roots.values()]) {
      expect(resources(config, 'google_cloud_run_service'), config.dir).toEqual([]);
    }
  });

  it('probes GET /readyz at startup and GET /healthz for liveness, on the container port', () => {
    const service = resources(module, 'google_cloud_run_v2_service')[0]?.body ?? {};
    const container = nested(service, 'template', 'containers');
    const port = nested(container, 'ports').container_port;
    expect(nested(container, 'startup_probe', 'http_get')).toMatchObject({ path: '/readyz', port });
    expect(nested(container, 'liveness_probe', 'http_get')).toMatchObject({ path: '/healthz', port });
    expect(locals(module).port).toBe(8080);
    expect(port).toBe(tf('local.port'));
  });

  it('sets startup CPU boost, concurrency, min/max instances and runs as its own service account', () => {
    const service = resources(module, 'google_cloud_run_v2_service')[0]?.body ?? {};
    const template = nested(service, 'template');
    expect(nested(template, 'containers', 'resources').startup_cpu_boost).toBe(true);
    expect(template.max_instance_request_concurrency).toBe(tf('var.concurrency'));
    expect(nested(template, 'scaling')).toEqual({
      min_instance_count: tf('var.min_instances'),
      max_instance_count: tf('var.max_instances'),
    });
    expect(resources(module, 'google_service_account')).toHaveLength(1);
    expect(template.service_account).toBe(tf('google_service_account.this.email'));
  });

  it('injects secrets only as secret_key_ref with a pinned, numeric version', () => {
    const container = nested(resources(module, 'google_cloud_run_v2_service')[0]?.body ?? {}, 'template', 'containers');
    const dynamicBlocks = (container.dynamic ?? {}) as { env?: Record<string, unknown>[] };
    const dynamicEnv = dynamicBlocks.env ?? [];
    const secretEnv = dynamicEnv.find((env) => env.for_each === tf('var.secret_env'));
    expect(secretEnv, 'a dynamic env block over var.secret_env').toBeDefined();
    const ref = nested(secretEnv ?? {}, 'content', 'value_source', 'secret_key_ref');
    expect(ref).toEqual({ secret: tf('env.value.secret'), version: tf('env.value.version') });

    const rule = validations(variable(module, 'secret_env')).find((v) => v.condition.includes('ref.version'));
    const source = /can\(regex\("((?:[^"\\]|\\.)*)", ref\.version\)\)/.exec(rule?.condition ?? '')?.[1];
    expect(source, 'secret_env validates versions with a regex').toBeDefined();
    const pinned = new RegExp(source ?? '$^');
    expect(['1', '2', '17'].every((v) => pinned.test(v))).toBe(true);
    expect(['latest', '', '0', 'projects/p/secrets/s/versions/latest'].some((v) => pinned.test(v))).toBe(false);
  });

  it('grants secretAccessor per secret, never project-wide', () => {
    const accessor = resources(module, 'google_secret_manager_secret_iam_member');
    expect(accessor).toHaveLength(1);
    expect(accessor[0]?.body).toMatchObject({
      role: 'roles/secretmanager.secretAccessor',
      for_each: tf('local.secret_ids'),
    });
  });

  it('lets Wix through with invoker_iam_disabled by default; allUsers only as the public_access fallback', () => {
    const service = resources(module, 'google_cloud_run_v2_service')[0]?.body ?? {};
    expect(service.invoker_iam_disabled).toBe(tf('var.public_access == "invoker_iam_disabled"'));
    const access = variable(module, 'public_access');
    expect(access.body.default).toBe('invoker_iam_disabled');
    expect(validations(access)[0]?.condition).toBe(
      tf('contains(["invoker_iam_disabled", "all_users"], var.public_access)'),
    );
    const invoker = resources(module, 'google_cloud_run_v2_service_iam_member');
    expect(invoker.map((block) => block.body)).toEqual([
      expect.objectContaining({
        count: tf('var.public_access == "all_users" ? 1 : 0'),
        role: 'roles/run.invoker',
        member: 'allUsers',
      }),
    ]);
  });

  it("uses the service account's own member attribute, never a hand-built serviceAccount: string", () => {
    const accessor = resources(module, 'google_secret_manager_secret_iam_member')[0]?.body ?? {};
    expect(accessor.member).toBe(tf('google_service_account.this.member'));
    const outputs = Object.fromEntries(namedBlocks(module, 'output').map((o) => [o.name, o.body.value]));
    expect(outputs.service_account_member).toBe(tf('google_service_account.this.member'));
    for (const config of [module, ...roots.values()]) {
      expect(JSON.stringify(config.json), config.dir).not.toContain('serviceAccount:${');
    }
  });

  it('outputs the URL and the service account email', () => {
    const outputs = Object.fromEntries(namedBlocks(module, 'output').map((o) => [o.name, o.body.value]));
    expect(outputs.url).toBe(tf('google_cloud_run_v2_service.this.uri'));
    expect(outputs.service_account_email).toBe(tf('google_service_account.this.email'));
  });

  it.each([
    ['europe-west1-docker.pkg.dev/p/adaptors/spanner:0.1.0', true],
    ['europe-west1-docker.pkg.dev/p/adaptors/spanner:2026-11-26-abc1234', true],
    [`europe-west1-docker.pkg.dev/p/adaptors/spanner@sha256:${'a'.repeat(64)}`, true],
    ['europe-west1-docker.pkg.dev/p/adaptors/spanner:latest', false],
    ['europe-west1-docker.pkg.dev/p/adaptors/spanner', false],
    ['localhost:5000/spanner', false],
  ])('image %s is accepted: %s (the module checks it for every root)', (image, accepted) => {
    expect(evaluateRegexCondition(imageCondition(module), 'var.image', image)).toBe(accepted);
    for (const config of roots.values()) {
      expect(expression(namedBlocks(config, 'module')[0]?.body.image), config.dir).toBe('var.image');
    }
  });
});

describe.each(SERVICES)('root infra/%s', (service) => {
  it('uses modules/adaptor-service and pins the same google provider version as the module', () => {
    const modules = namedBlocks(root(service), 'module');
    expect(modules.map((m) => m.body.source)).toEqual([MODULE_SOURCE]);
    const pinned = requiredProviders(root(service)).google as Record<string, unknown>;
    expect(pinned.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(pinned).toEqual(requiredProviders(module).google);
  });

  it('grants no project-wide editor/owner/admin role and no authoritative IAM', () => {
    for (const config of [module, root(service)]) {
      const blocks = typedBlocks(config, 'resource');
      const authoritative = blocks.filter((b) => /_iam_(binding|policy)$/.test(b.type));
      expect(
        authoritative.map((b) => `${b.type}.${b.name}`),
        'authoritative IAM replaces other members',
      ).toEqual([]);
      for (const block of blocks.filter((b) => b.type.endsWith('_iam_member'))) {
        const role = String(block.body.role);
        expect(role, `${block.type}.${block.name}`).not.toMatch(/^roles\/(editor|owner|viewer)$/);
        if (block.type === 'google_project_iam_member') {
          expect(Object.keys(PROJECT_LEVEL_ROLES), `${block.name}: project-level ${role}`).toContain(role);
          if (role.startsWith('roles/datastore.')) {
            expect(nested(block.body, 'condition').expression, `${block.name} is narrowed to the database`).toBe(
              tf('local.database_condition'),
            );
          }
        } else if (/admin/i.test(role)) {
          // An admin role only on one resource, and only when a variable asks for it.
          expect(String(block.body.count ?? ''), `${block.name}: ${role} must be optional`).toMatch(/\?/);
        }
      }
    }
  });

  it('reads no secret value into Terraform (no secret versions, no secret_data)', () => {
    const config = root(service);
    const data = typedBlocks(config, 'data').map((b) => b.type);
    expect(data).not.toContain('google_secret_manager_secret_version');
    expect(resources(config, 'google_secret_manager_secret_version')).toEqual([]);
    expect(JSON.stringify(config.json)).not.toContain('secret_data');
  });

  it('outputs the URL to paste into Wix and the connection type', () => {
    const outputs = Object.fromEntries(namedBlocks(root(service), 'output').map((o) => [o.name, o.body.value]));
    expect(outputs.url).toBe(tf('module.service.url'));
    expect(outputs.wix_connection).toEqual({
      endpoint: tf('module.service.url'),
      connectionType: 'WIX_SERVICE_PLUGIN',
    });
    expect(outputs.service_account_email).toBe(tf('module.service.service_account_email'));
  });

  it('describes every variable, and terraform.tfvars.example sets only declared ones (pinned image)', async () => {
    const declared = namedBlocks(root(service), 'variable');
    for (const v of declared) expect(String(v.body.description ?? ''), `variable ${v.name}`).not.toBe('');
    const example = await readTfvars(infraDir(service, 'terraform.tfvars.example'));
    const names = declared.map((v) => v.name);
    for (const key of Object.keys(example)) expect(names, `terraform.tfvars.example sets ${key}`).toContain(key);
    for (const v of declared.filter((b) => !('default' in b.body))) {
      expect(Object.keys(example), `required variable ${v.name} in the example`).toContain(v.name);
    }
    expect(evaluateRegexCondition(imageCondition(module), 'var.image', String(example.image))).toBe(true);
  });

  it('makes creating the database optional (count on a variable)', () => {
    const creators = typedBlocks(root(service), 'resource').filter((b) =>
      ['google_spanner_database', 'google_firestore_database', 'google_bigquery_dataset'].includes(b.type),
    );
    expect(creators).toHaveLength(1);
    expect(expression(creators[0]?.body.count)).toMatch(/^var\.create_(database|dataset) \? 1 : 0$/);
  });
});

/** Env names a root hands to the module: plain, secret, and those extra_env accepts. */
function terraformEnv(service: ServiceName) {
  const config = root(service);
  const l = locals(config);
  const keys = (value: unknown) => Object.keys((value ?? {}) as object);
  const strings = (value: unknown) => (Array.isArray(value) ? value.map(String) : []);
  const plain = [...keys(l.engine_env), ...keys(l.core_env)];
  const secret = keys(l.secret_env);
  const extra = [...strings(l.core_extra_settings), ...strings(l.engine_extra_settings)];
  const module = namedBlocks(config, 'module')[0]?.body ?? {};
  return {
    plain,
    secret,
    extra,
    plainEnv: String(l.plain_env ?? ''),
    extraSettings: String(l.extra_settings ?? ''),
    extraRule: validations(variable(config, 'extra_env'))[0]?.condition ?? '',
    env: String(module.env ?? ''),
    secretEnv: String(module.secret_env ?? ''),
  };
}

describe.each(SERVICES)('env names of infra/%s match the service settings', (service) => {
  const ready = hasSettings(service);
  let settings: SettingInfo[] = [];
  beforeAll(async () => {
    if (ready) settings = Object.values(await loadServiceSettings(service));
  });

  it('hands plain_env, secret_env and extra_env (and nothing else) to the module', () => {
    const { plain, secret, extra, env, secretEnv, plainEnv, extraSettings, extraRule } = terraformEnv(service);
    expect(plain.length).toBeGreaterThan(0);
    expect(secret).toContain('CURSOR_SECRET');
    expect(extra.length).toBeGreaterThan(0);
    expect(plainEnv).toBe(tf('merge(local.engine_env, local.core_env)'));
    expect(extraSettings).toBe(tf('concat(local.core_extra_settings, local.engine_extra_settings)'));
    expect(extraRule).toBe(tf('alltrue([for name in keys(var.extra_env) : contains(local.extra_settings, name)])'));
    expect(env).toBe(
      tf('merge(var.extra_env, { for name, value in local.plain_env : name => value if value != null })'),
    );
    expect(secretEnv).toBe(tf('{ for name, ref in local.secret_env : name => ref if ref != null }'));
  });

  it.skipIf(!ready)(
    `sets only known settings, every required one, secrets only by reference${ready ? '' : ` (skipped: services/${service}/src/settings.ts does not exist yet)`}`,
    () => {
      const { plain, secret, extra } = terraformEnv(service);
      const names = [...settings.map((s) => s.name), ...readOutsideSettings(service)];
      for (const name of [...plain, ...secret, ...extra]) {
        expect(
          names,
          `infra/${service} sets ${name}, which services/${service}/src/settings.ts does not read`,
        ).toContain(name);
      }
      for (const spec of settings.filter((s) => s.required)) {
        expect([...plain, ...secret], `required setting ${spec.name} is not set by infra/${service}`).toContain(
          spec.name,
        );
      }
      for (const spec of settings.filter((s) => s.secret)) {
        expect(plain, `${spec.name} is secret: only as a Secret Manager reference`).not.toContain(spec.name);
        expect(extra, `${spec.name} is secret: not accepted in extra_env`).not.toContain(spec.name);
      }
    },
  );

  it.skipIf(!ready)('covers every setting: set by the root, accepted in extra_env, or not for Cloud Run', () => {
    const { plain, secret, extra } = terraformEnv(service);
    const handled = new Set([...plain, ...secret, ...extra]);
    for (const name of [...handled]) {
      expect(Object.keys(NOT_FOR_CLOUD_RUN), `${name} must not be set on Cloud Run`).not.toContain(name);
      expect(isEmulatorSetting(name), `${name} is for local emulators only`).toBe(false);
    }
    const missing = settings
      .map((s) => s.name)
      .filter((name) => !handled.has(name) && !(name in NOT_FOR_CLOUD_RUN) && !isEmulatorSetting(name));
    expect(
      missing,
      `settings of services/${service} that infra/${service} cannot set: add them to extra_env's list in infra/${service}/variables.tf (or a variable)`,
    ).toEqual([]);
  });

  it('accepts in extra_env every variable the service reads outside its settings (emulators aside)', () => {
    const { extra } = terraformEnv(service);
    const missing = readOutsideSettings(service).filter((name) => !extra.includes(name) && !isEmulatorSetting(name));
    expect(missing, `services/${service}/src reads these: add them to local.engine_extra_settings`).toEqual([]);
    if (service === 'spanner') expect(extra).toContain('SPANNER_DISABLE_BUILTIN_METRICS');
  });

  it.runIf(!ready)('service without settings yet: its core settings are checked against the core', async () => {
    const { coreSettings } = await import('@adaptors/core');
    const core = Object.values(coreSettings).map((s) => s.name);
    const { plain, secret, extra } = terraformEnv(service);
    const own = new RegExp(`^${service.toUpperCase()}_`);
    for (const name of [...plain, ...secret, ...extra].filter((n) => !own.test(n))) {
      expect(core, `${name} is neither a core setting nor ${service.toUpperCase()}_*`).toContain(name);
    }
    for (const spec of Object.values(coreSettings).filter((s) => s.required)) {
      expect([...plain, ...secret]).toContain(spec.name);
    }
  });
});

describe('layout', () => {
  it('has one root per database and nothing unexpected at the top of infra/', () => {
    const dirs = readdirSync(infraDir(), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== 'node_modules')
      .map((e) => e.name)
      .sort();
    expect(dirs).toEqual(['bigquery', 'common', 'firestore', 'modules', 'spanner', 'test']);
    for (const service of SERVICES) {
      for (const file of [
        'main.tf',
        'variables.tf',
        'outputs.tf',
        'adaptor.tf',
        'versions.tf',
        'terraform.tfvars.example',
      ]) {
        expect(existsSync(join(infraDir(service), file)), `infra/${service}/${file}`).toBe(true);
      }
    }
  });

  it('every root reads the shared files through links: adaptor.tf and versions.tf (the module: versions.tf)', () => {
    expect(readdirSync(infraDir('common')).sort()).toEqual(['adaptor-root.tf', 'versions.tf']);
    const links: [string, string][] = [['modules/adaptor-service/versions.tf', '../../common/versions.tf']];
    for (const service of SERVICES) {
      links.push(
        [`${service}/adaptor.tf`, '../common/adaptor-root.tf'],
        [`${service}/versions.tf`, '../common/versions.tf'],
      );
    }
    for (const [path, target] of links) {
      const link = infraDir(...path.split('/'));
      expect(lstatSync(link).isSymbolicLink(), `infra/${path} is a symbolic link`).toBe(true);
      expect(readlinkSync(link), `infra/${path}`).toBe(target);
    }
  });
});

describe('root infra/bigquery: the schema-change label', () => {
  // services/bigquery/src/schema.ts writes a dataset label on every collection change (datasets.patch),
  // which needs bigquery.datasets.update; roles/bigquery.dataEditor does not have it, and the only
  // predefined roles that do (dataOwner, admin) also manage the dataset's IAM and can delete it.
  it('grants bigquery.datasets.update alone, by a custom role bound on the dataset, unless READ_ONLY_SCHEMA', () => {
    const config = root('bigquery');
    const [role] = resources(config, 'google_project_iam_custom_role');
    expect(role?.name).toBe('schema_label');
    expect(role?.body.permissions).toEqual(['bigquery.datasets.update']);
    expect(role?.body.count).toBe(tf('local.schema_changes ? 1 : 0'));
    const binding = resources(config, 'google_bigquery_dataset_iam_member').find((b) => b.name === 'schema_label');
    expect(binding?.body).toMatchObject({
      dataset_id: tf('local.dataset_id'),
      role: tf('google_project_iam_custom_role.schema_label[0].name'),
      member: tf('module.service.service_account_member'),
      count: tf('local.schema_changes ? 1 : 0'),
    });
    const l = locals(config);
    expect(l.schema_changes).toBe(tf('lower(lookup(var.extra_env, "READ_ONLY_SCHEMA", "false")) != "true"'));
    // Granted before the service starts, like the other roles (modules/adaptor-service required_grants).
    expect(JSON.stringify(l.grants)).toContain('google_bigquery_dataset_iam_member.schema_label[*].id');
  });
});
