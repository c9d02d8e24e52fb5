/**
 * Terraform read as data: @cdktn/hcl2json turns a folder's .tf files into one JSON
 * document (blocks become arrays, expressions stay as "${...}" strings). Works offline:
 * no provider is needed, unlike `terraform validate`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { convertFiles, parse } from '@cdktn/hcl2json';

export type Body = Readonly<Record<string, unknown>>;

export interface Block {
  /** e.g. "google_cloud_run_v2_service" (resources, data) or "" (variables, outputs, modules). */
  readonly type: string;
  readonly name: string;
  readonly body: Body;
}

export interface TerraformConfig {
  readonly dir: string;
  readonly json: Body;
}

export async function readTerraform(dir: string): Promise<TerraformConfig> {
  const json: Body = await convertFiles(dir);
  return { dir, json };
}

/** Attributes of a .tfvars file. */
export async function readTfvars(file: string): Promise<Body> {
  const json: Body = await parse(file, readFileSync(file, 'utf8'));
  return json;
}

function record(value: unknown): Body {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Body) : {};
}

function list(value: unknown): Body[] {
  return Array.isArray(value) ? value.map(record) : [];
}

/** The first (only) body of a nested block, e.g. `template` inside a resource. */
export function nested(body: Body, ...path: string[]): Body {
  let current = body;
  for (const key of path) current = list(current[key])[0] ?? {};
  return current;
}

/** `resource "type" "name" {}` / `data "type" "name" {}` blocks. */
export function typedBlocks(config: TerraformConfig, kind: 'resource' | 'data'): Block[] {
  const blocks: Block[] = [];
  for (const [type, byName] of Object.entries(record(config.json[kind]))) {
    for (const [name, bodies] of Object.entries(record(byName))) {
      for (const body of list(bodies)) blocks.push({ type, name, body });
    }
  }
  return blocks;
}

/** `variable "name" {}` / `output` / `module` blocks. */
export function namedBlocks(config: TerraformConfig, kind: 'variable' | 'output' | 'module'): Block[] {
  return Object.entries(record(config.json[kind])).flatMap(([name, bodies]) =>
    list(bodies).map((body) => ({ type: '', name, body })),
  );
}

export function locals(config: TerraformConfig): Body {
  return Object.assign({}, ...list(config.json.locals));
}

export function requiredProviders(config: TerraformConfig): Body {
  const terraform = list(config.json.terraform)[0] ?? {};
  return Object.assign({}, ...list(terraform.required_providers));
}

export function validations(variable: Block): { condition: string; message: string }[] {
  return list(variable.body.validation).map((v) => ({
    condition: String(v.condition ?? ''),
    message: String(v.error_message ?? ''),
  }));
}

/** An expression as hcl2json writes it: `tf('var.x')` is the string "${var.x}". */
export function tf(expr: string): string {
  return `\${${expr}}`;
}

/** Strips the "${...}" wrapper hcl2json puts around an expression. */
export function expression(value: unknown): string {
  const text = String(value ?? '');
  return text.startsWith('${') && text.endsWith('}') ? text.slice(2, -1) : text;
}

/**
 * Evaluates a validation condition made only of `[!]can(regex("RE", var.NAME))` terms
 * joined by `&&`, for a given value — enough to test the image and version rules
 * against real inputs. Throws on anything else, so a rewrite of the rule is noticed.
 */
export function evaluateRegexCondition(condition: string, variable: string, value: string): boolean {
  const terms = expression(condition)
    .split('&&')
    .map((term) => term.trim());
  return terms.every((term) => {
    const match = /^(!?)can\(regex\("((?:[^"\\]|\\.)*)",\s*([\w.]+)\)\)$/.exec(term);
    if (!match || match[3] !== variable) throw new Error(`unsupported validation term: ${term}`);
    const source = (match[2] ?? '').replace(/\\(.)/g, '$1');
    const found = new RegExp(source).test(value);
    return match[1] === '!' ? !found : found;
  });
}

export function infraDir(...parts: string[]): string {
  return join(import.meta.dirname, '..', '..', ...parts);
}
