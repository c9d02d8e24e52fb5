/**
 * Checks Terraform read as data (hcl.ts) against a provider schema in the shape of
 * `terraform providers schema -json` (the JSON files of infra/test/provider-schema):
 * every resource type known, every argument and nested block named as the provider
 * names it and settable, every required argument set, every `type.name.attribute`
 * reference naming an attribute the resource has; and, inside infra/, every var./local./
 * module. reference and every module argument declared. What `terraform validate` would
 * catch with the provider downloaded, without it.
 */
import { readFileSync } from 'node:fs';
import { type Block, type Body, locals, namedBlocks, type TerraformConfig, typedBlocks } from './hcl.ts';

interface Attribute {
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
}

export interface SchemaBlock {
  readonly attributes?: Readonly<Record<string, Attribute>>;
  readonly block_types?: Readonly<Record<string, { readonly block: SchemaBlock }>>;
}

export interface ProviderSchemas {
  readonly extract?: { readonly version: string };
  readonly provider_schemas: Readonly<
    Record<string, { readonly resource_schemas: Readonly<Record<string, { readonly block: SchemaBlock }>> }>
  >;
}

export function readSchema(file: string): ProviderSchemas {
  return JSON.parse(readFileSync(file, 'utf8')) as ProviderSchemas;
}

/** Arguments Terraform itself accepts on every resource. */
const META = new Set(['count', 'for_each', 'depends_on', 'lifecycle', 'provider', 'provisioner', 'connection']);

export function resourceSchema(schemas: ProviderSchemas, type: string): SchemaBlock | undefined {
  for (const provider of Object.values(schemas.provider_schemas)) {
    const found = provider.resource_schemas[type];
    if (found) return found.block;
  }
  return undefined;
}

/** Problems of the resource blocks of one folder, as "file-less" paths like `google_x.name.template.scaling: …`. */
export function checkResources(config: TerraformConfig, schemas: ProviderSchemas): string[] {
  const problems: string[] = [];
  for (const block of [...typedBlocks(config, 'resource')]) {
    const where = `${block.type}.${block.name}`;
    const schema = resourceSchema(schemas, block.type);
    if (!schema) {
      problems.push(`${where}: resource type ${block.type} is not in the provider schema`);
      continue;
    }
    checkBody(block.body, schema, where, problems);
  }
  return problems;
}

function checkBody(body: Body, schema: SchemaBlock, where: string, problems: string[]): void {
  const attributes = schema.attributes ?? {};
  const blocks = schema.block_types ?? {};
  for (const [key, value] of Object.entries(body)) {
    if (META.has(key)) continue;
    if (key === 'dynamic') {
      for (const [name, generators] of Object.entries(asRecord(value))) {
        const nested = blocks[name];
        if (!nested) {
          problems.push(`${where}: dynamic "${name}" is not a block of this resource`);
          continue;
        }
        for (const generator of asList(generators)) {
          for (const content of asList(generator.content))
            checkBody(content, nested.block, `${where}.${name}`, problems);
        }
      }
      continue;
    }
    const attribute = attributes[key];
    if (attribute) {
      if (attribute.computed && !attribute.optional && !attribute.required) {
        problems.push(`${where}.${key}: read-only (computed) attribute, cannot be set`);
      }
      continue;
    }
    const nested = blocks[key];
    if (nested) {
      for (const element of asList(value)) checkBody(element, nested.block, `${where}.${key}`, problems);
      continue;
    }
    problems.push(`${where}: unknown argument "${key}"`);
  }
  for (const [name, attribute] of Object.entries(attributes)) {
    if (attribute.required && !(name in body)) problems.push(`${where}: required argument "${name}" is missing`);
  }
}

const REFERENCE = /\b((?:google|terraform)_[a-z0-9_]+)\.([a-z0-9_]+)(?:\[[^\]]*\])?\.([a-z0-9_]+)/g;

/** `type.name.attribute` references: the resource is declared here and has that attribute. */
export function checkReferences(config: TerraformConfig, schemas: ProviderSchemas): string[] {
  const declared = new Set(typedBlocks(config, 'resource').map((b) => `${b.type}.${b.name}`));
  const problems: string[] = [];
  for (const [, type, name, attribute] of JSON.stringify(config.json).matchAll(REFERENCE)) {
    const at = `${type}.${name}.${attribute}`;
    if (!declared.has(`${type}.${name}`)) {
      problems.push(`${at}: no resource ${type}.${name} in this folder`);
      continue;
    }
    const schema = resourceSchema(schemas, type ?? '');
    if (schema && !(attribute! in (schema.attributes ?? {})) && !(attribute! in (schema.block_types ?? {}))) {
      problems.push(`${at}: ${type} has no attribute "${attribute}"`);
    }
  }
  return [...new Set(problems)];
}

/** var./local./module. references name what the folder declares; module calls pass only declared variables. */
export function checkNames(config: TerraformConfig, modules: ReadonlyMap<string, TerraformConfig>): string[] {
  const problems: string[] = [];
  const variables = new Set(namedBlocks(config, 'variable').map((b) => b.name));
  const localNames = new Set(Object.keys(locals(config)));
  const calls = new Map(namedBlocks(config, 'module').map((b) => [b.name, b]));
  const text = JSON.stringify(config.json);
  for (const [, kind, name, attribute] of text.matchAll(/\b(var|local|module)\.([a-z0-9_]+)(?:\.([a-z0-9_]+))?/g)) {
    if (kind === 'var' && !variables.has(name ?? '')) problems.push(`var.${name}: no variable "${name}"`);
    if (kind === 'local' && !localNames.has(name ?? '')) problems.push(`local.${name}: no local "${name}"`);
    if (kind === 'module') {
      const call = calls.get(name ?? '');
      if (!call) {
        problems.push(`module.${name}: no module "${name}"`);
        continue;
      }
      const target = modules.get(String(call.body.source));
      const outputs = new Set(target ? namedBlocks(target, 'output').map((b) => b.name) : []);
      if (target && attribute !== undefined && !outputs.has(attribute)) {
        problems.push(`module.${name}.${attribute}: the module has no output "${attribute}"`);
      }
    }
  }
  for (const call of calls.values()) problems.push(...checkModuleCall(call, modules.get(String(call.body.source))));
  return [...new Set(problems)];
}

function checkModuleCall(call: Block, target: TerraformConfig | undefined): string[] {
  if (!target) return [`module.${call.name}: source ${String(call.body.source)} not read`];
  const variables = namedBlocks(target, 'variable');
  const names = new Set(variables.map((v) => v.name));
  const problems: string[] = [];
  for (const key of Object.keys(call.body)) {
    if (['source', 'count', 'for_each', 'depends_on', 'providers', 'version'].includes(key)) continue;
    if (!names.has(key)) problems.push(`module.${call.name}: the module has no variable "${key}"`);
  }
  for (const variable of variables) {
    if (!('default' in variable.body) && !(variable.name in call.body)) {
      problems.push(`module.${call.name}: required variable "${variable.name}" is not passed`);
    }
  }
  return problems;
}

function asRecord(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : {};
}

function asList(value: unknown): Body[] {
  return Array.isArray(value) ? value.map(asRecord) : [];
}
