/**
 * Does the service accept what Terraform gives it? For every root, with its
 * variables' defaults and with its terraform.tfvars.example, the env the root
 * hands to modules/adaptor-service (plain env, and a stand-in value for each secret
 * reference, which Cloud Run resolves at instance start) is run through the
 * service's own settings (its src/settings.ts record, combined checks included)
 * with core's loadConfig: what the service runs at start, and refuses to start on.
 * A default the service refuses (BigQuery's MAX_INSTANCES=10 × CONCURRENCY=80)
 * would leave the revision's startup probe failing on a real deploy.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type ConfigProblem, loadConfig } from '@adaptors/core';
import { parse } from '@cdktn/hcl2json';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Body,
  infraDir,
  locals,
  namedBlocks,
  readTerraform,
  readTfvars,
  type TerraformConfig,
  tf,
} from './support/hcl.ts';
import { hasSettings, loadServiceSettings, SERVICES, type ServiceName } from './support/services.ts';
import { evaluate, type Value } from './support/tf-eval.ts';

/** A real public key: the tfvars examples hold a shortened placeholder for the connection's publicKey. */
const PUBLIC_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .publicKey.export({ type: 'spki', format: 'der' })
  .toString('base64');

/** What a secret reference of the root resolves to at start, per setting. */
const SECRET_VALUES: Readonly<Record<string, string>> = {
  WIX_PUBLIC_KEYS: PUBLIC_KEY,
  CURSOR_SECRET: randomBytes(48).toString('base64'),
  STATUS_TOKEN: randomBytes(24).toString('base64url'),
  LEGACY_SECRET_KEYS: randomBytes(24).toString('base64url'),
};

const roots = new Map<ServiceName, TerraformConfig>();
beforeAll(async () => {
  for (const service of SERVICES) roots.set(service, await readTerraform(infraDir(service)));
});

function root(service: ServiceName): TerraformConfig {
  const config = roots.get(service);
  if (!config) throw new Error(`no Terraform root for ${service}`);
  return config;
}

/** Every variable's value: the given ones over the declared defaults; a required one must be given. */
function variableValues(config: TerraformConfig, given: Body): Record<string, Value> {
  const values: Record<string, Value> = {};
  for (const v of namedBlocks(config, 'variable')) {
    if (v.name in given) values[v.name] = given[v.name] as Value;
    else if ('default' in v.body) values[v.name] = (v.body.default ?? null) as Value;
    else throw new Error(`${config.dir}: required variable ${v.name} has no value`);
  }
  for (const name of Object.keys(given)) {
    if (!(name in values)) throw new Error(`${config.dir}: ${name} is not a variable`);
  }
  // The examples' publicKey is shortened ("…"): the connection's real key stands in for it.
  if (typeof values.wix_public_keys === 'string') values.wix_public_keys = PUBLIC_KEY;
  return values;
}

function nonNull(record: Value): Record<string, Value> {
  if (typeof record !== 'object' || record === null || Array.isArray(record)) throw new Error('not an object');
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== null));
}

/**
 * The env and scaling the root hands to the module, evaluated as Terraform would
 * (terraform.test.ts pins the module arguments' expressions this mirrors:
 * env = merge(var.extra_env, non-null plain_env), secret_env = non-null refs).
 */
function deployed(config: TerraformConfig, given: Body) {
  const vars = variableValues(config, given);
  const scope = { config, vars };
  const l = locals(config);
  // extra_env's validation (terraform.test.ts pins it as
  // alltrue([for name in keys(var.extra_env) : contains(local.extra_settings, name)])).
  for (const name of Object.keys(nonNull(vars.extra_env ?? {}))) {
    const accepted = evaluate(tf('contains(local.extra_settings, var.name)'), { config, vars: { ...vars, name } });
    if (accepted !== true) throw new Error(`extra_env refuses ${name}`);
  }
  const plain = nonNull({ ...nonNull(evaluate(l.engine_env, scope)), ...nonNull(evaluate(l.core_env, scope)) });
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...nonNull(vars.extra_env ?? {}), ...plain })) {
    if (typeof value !== 'string') throw new Error(`${name}: env values are strings, got ${JSON.stringify(value)}`);
    env[name] = value;
  }
  const secrets = Object.keys(nonNull(evaluate(l.secret_env, scope)));
  for (const name of secrets) {
    const value = SECRET_VALUES[name];
    if (value === undefined) throw new Error(`no stand-in value for the secret ${name}`);
    env[name] = value;
  }
  const call = namedBlocks(config, 'module')[0]?.body ?? {};
  return {
    env,
    concurrency: evaluate(call.concurrency, scope),
    maxInstances: evaluate(call.max_instances, scope),
  };
}

async function problems(service: ServiceName, env: Record<string, string>): Promise<ConfigProblem[]> {
  const loaded = await loadConfig(await loadServiceSettings(service), env, {
    resolveSecret: async (ref) => {
      throw new Error(`unexpected Secret Manager reference ${ref}`);
    },
  });
  return loaded.ok ? [] : loaded.problems;
}

describe.each(SERVICES)('infra/%s: the service accepts the settings Terraform gives it', (service) => {
  const ready = hasSettings(service);

  it.skipIf(!ready)(
    "with the variables' defaults (required ones and the key from terraform.tfvars.example)",
    async () => {
      const example = await readTfvars(infraDir(service, 'terraform.tfvars.example'));
      // The required variables, and the public key (wix_public_keys or _secret: one is needed).
      const required = namedBlocks(root(service), 'variable')
        .filter((v) => !('default' in v.body) || v.name.startsWith('wix_public_keys'))
        .map((v) => v.name);
      const given = Object.fromEntries(Object.entries(example).filter(([name]) => required.includes(name)));
      const { env, concurrency, maxInstances } = deployed(root(service), given);
      expect(env.CONCURRENCY, 'the service checks the concurrency Cloud Run is given').toBe(String(concurrency));
      expect(env.MAX_INSTANCES, 'the service checks the max_instances Cloud Run is given').toBe(String(maxInstances));
      expect(await problems(service, env), `services/${service} would refuse to start`).toEqual([]);
    },
  );

  it.skipIf(!ready)('with terraform.tfvars.example', async () => {
    const example = await readTfvars(infraDir(service, 'terraform.tfvars.example'));
    const { env, concurrency } = deployed(root(service), example);
    expect(env.CONCURRENCY).toBe(String(concurrency));
    expect(await problems(service, env), `services/${service} would refuse to start`).toEqual([]);
  });

  it.skipIf(!ready)('with each commented-out option of terraform.tfvars.example turned on', async () => {
    const file = infraDir(service, 'terraform.tfvars.example');
    const example = await readTfvars(file);
    const options = readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^#\s*[a-z_]+\s*=/.test(line))
      .map((line) => line.replace(/^#\s*/, ''));
    expect(options.map((line) => line.split('=')[0]?.trim())).toContain('status_token');
    for (const option of options) {
      const value = (await parse('option.tfvars', option)) as Body;
      const given: Record<string, unknown> = { ...example, ...value };
      // One of the two key variables: the secret replaces the plain key.
      if ('wix_public_keys_secret' in value) delete given.wix_public_keys;
      const { env } = deployed(root(service), given);
      expect(await problems(service, env), `${option}: services/${service} would refuse to start`).toEqual([]);
    }
  });

  it.skipIf(!ready)("defaults to the service's own default concurrency", async () => {
    const settings = Object.values(await loadServiceSettings(service));
    const concurrency = settings.find((s) => s.name === 'CONCURRENCY');
    expect(String(locals(root(service)).engine_concurrency)).toBe(concurrency?.default);
  });
});

describe('extra_env', () => {
  it.skipIf(!hasSettings('spanner'))(
    'accepts SPANNER_DISABLE_BUILTIN_METRICS on Spanner (services/spanner/DEPLOY.md "Runtime")',
    async () => {
      const example = await readTfvars(infraDir('spanner', 'terraform.tfvars.example'));
      const { env } = deployed(root('spanner'), {
        ...example,
        extra_env: { SPANNER_DISABLE_BUILTIN_METRICS: 'false' },
      });
      expect(env.SPANNER_DISABLE_BUILTIN_METRICS).toBe('false');
      expect(await problems('spanner', env)).toEqual([]);
    },
  );

  it('refuses a name no service reads, and PORT', async () => {
    const example = await readTfvars(infraDir('spanner', 'terraform.tfvars.example'));
    for (const name of ['PORT', 'SPANNER_DISABLE_BUILTIN_METRIC', 'SPANNER_EMULATOR_HOST']) {
      expect(() => deployed(root('spanner'), { ...example, extra_env: { [name]: '1' } })).toThrow(
        `extra_env refuses ${name}`,
      );
    }
  });
});

describe('the check sees a refused combination', () => {
  it('evaluates only the expressions it knows (anything else throws)', () => {
    const scope = { config: root('bigquery'), vars: { a: null, b: 3 } };
    expect(evaluate(tf('tostring(coalesce(var.a, var.b))'), scope)).toBe('3');
    expect(evaluate(`x-${tf('var.b')}`, scope)).toBe('x-3');
    expect(() => evaluate(tf('max(var.b, 1)'), scope)).toThrow(/unsupported function max/);
    expect(() => evaluate(tf('var.b + 1'), scope)).toThrow(/unsupported/);
    expect(() => evaluate(tf('var.missing'), scope)).toThrow(/has no value/);
  });

  it.skipIf(!hasSettings('bigquery'))(
    'BigQuery with concurrency = 80 (10 × 80 × 2 jobs > 1,000) is refused',
    async () => {
      const example = await readTfvars(infraDir('bigquery', 'terraform.tfvars.example'));
      const { env } = deployed(root('bigquery'), { ...example, concurrency: 80 });
      expect(env.CONCURRENCY).toBe('80');
      expect((await problems('bigquery', env)).map((p) => p.name)).toEqual(['CONCURRENCY']);
    },
  );

  it.skipIf(!hasSettings('spanner'))('Spanner with max_instances = 20 on 100 processing units is refused', async () => {
    const example = await readTfvars(infraDir('spanner', 'terraform.tfvars.example'));
    const { env } = deployed(root('spanner'), { ...example, max_instances: 20 });
    expect((await problems('spanner', env)).map((p) => p.name)).toEqual(['MAX_INSTANCES']);
  });
});
