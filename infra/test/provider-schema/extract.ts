/**
 * Builds google-<version>.json, the schema of the google provider resources infra/ uses,
 * from the provider's published documentation (website/docs/r/*.html.markdown of
 * hashicorp/terraform-provider-google at the release tag), in the shape of
 * `terraform providers schema -json` (attributes and block_types per block).
 *
 * Why from the documentation: `terraform providers schema -json` needs the provider
 * binary, which `terraform init` downloads from registry.terraform.io — not reachable
 * from this project's machines or CI. Where it is reachable, the real export filtered
 * to these resources can replace the file as it is (the checks read only attributes,
 * block_types, required and computed).
 *
 *   node infra/test/provider-schema/extract.ts <provider git dir> v7.45.0 > infra/test/provider-schema/google-7.45.0.json
 *
 * Rules read from the documentation: "## Argument Reference" lists the arguments, a
 * `<a name="nested_a_b"></a>The `b` block supports:` line opens block b inside block a,
 * an argument whose text links `#nested_…` is a block, "(Required)" marks required,
 * "(Output)" and everything under "## Attributes Reference" is computed (read-only).
 * IAM pages document the _policy/_binding/_member/_audit_config resources together:
 * `member/members` becomes `member` for a _member resource, and "(Required only by X)"
 * arguments belong to X alone. Every resource gets the computed `id` every provider
 * resource has (the IAM pages leave it out).
 */
import { execFileSync } from 'node:child_process';

/** Resource type → documentation page (website/docs/r/<page>.html.markdown). */
const PAGES: Readonly<Record<string, string>> = {
  google_bigquery_dataset: 'bigquery_dataset',
  google_bigquery_dataset_iam_member: 'bigquery_dataset_iam',
  google_cloud_run_v2_service: 'cloud_run_v2_service',
  google_cloud_run_v2_service_iam_member: 'cloud_run_v2_service_iam',
  google_firestore_database: 'firestore_database',
  google_project_iam_custom_role: 'google_project_iam_custom_role',
  google_project_iam_member: 'google_project_iam',
  google_secret_manager_secret_iam_member: 'secret_manager_secret_iam',
  google_service_account: 'google_service_account',
  google_spanner_database: 'spanner_database',
  google_spanner_database_iam_member: 'spanner_database_iam',
};

export interface SchemaAttribute {
  required?: true;
  optional?: true;
  computed?: true;
}

export interface SchemaBlock {
  attributes: Record<string, SchemaAttribute>;
  block_types: Record<string, { nesting_mode: 'list'; block: SchemaBlock }>;
}

const emptyBlock = (): SchemaBlock => ({ attributes: {}, block_types: {} });

interface Entry {
  readonly path: readonly string[];
  readonly name: string;
  readonly text: string;
  readonly computed: boolean;
}

/** The schema of one resource type from its documentation page. */
export function schemaFromMarkdown(type: string, markdown: string): SchemaBlock {
  const lines = markdown.split('\n');
  const entries: Entry[] = [];
  const anchors = new Map<string, readonly string[]>([['', []]]);
  let section: 'none' | 'arguments' | 'attributes' = 'none';
  let path: readonly string[] = [];
  let current: { path: readonly string[]; name: string; text: string[]; computed: boolean } | undefined;
  const flush = () => {
    if (current) entries.push({ ...current, text: current.text.join(' ') });
    current = undefined;
  };
  for (const line of lines) {
    const heading = /^## (.*)/.exec(line);
    if (heading) {
      flush();
      section = /^Argument Reference/.test(heading[1] ?? '')
        ? 'arguments'
        : /^Attributes Reference/.test(heading[1] ?? '')
          ? 'attributes'
          : 'none';
      path = [];
      continue;
    }
    if (section === 'none') continue;
    const opens = /^(?:<a name="nested_([a-z0-9_]+)"><\/a>)?The `([a-z0-9_]+)` block (?:supports|contains)/.exec(line);
    if (opens) {
      flush();
      const name = opens[2] ?? '';
      const anchor = opens[1] ?? name;
      const parent = anchor === name ? '' : anchor.slice(0, -(name.length + 1));
      const parentPath = anchors.get(parent);
      if (!parentPath) throw new Error(`${type}: block ${anchor} opens before its parent ${parent}`);
      path = [...parentPath, name];
      anchors.set(anchor, path);
      continue;
    }
    // Most pages write "* `name` - (Required) …"; some leave out the dash or indent the bullet by a space.
    const bullet = /^ ?\* `([a-z0-9_/]+)` ?-?(.*)$/.exec(line);
    if (bullet) {
      flush();
      current = { path, name: bullet[1] ?? '', text: [bullet[2] ?? ''], computed: section === 'attributes' };
      continue;
    }
    if (current && line.trim() !== '') current.text.push(line.trim());
  }
  flush();

  const root = emptyBlock();
  const blockAt = (at: readonly string[]): SchemaBlock => {
    let block = root;
    for (const name of at) {
      block.block_types[name] ??= { nesting_mode: 'list', block: emptyBlock() };
      block = block.block_types[name].block;
    }
    return block;
  };
  const excluded: string[] = [];
  for (const entry of entries) {
    const at = [...entry.path, entry.name].join('.');
    if (excluded.some((prefix) => at.startsWith(`${prefix}.`))) continue;
    const only = /\(Required only by `?(google_[a-z0-9_]+)`?\)/.exec(entry.text)?.[1];
    if (only !== undefined && only !== type) {
      excluded.push(at);
      continue;
    }
    const except = /\(Required except for `?(google_[a-z0-9_]+)`?\)/.exec(entry.text)?.[1];
    const name = entry.name.includes('/') ? memberName(type, entry.name) : entry.name;
    const parent = blockAt(entry.path);
    const nested = /\(#nested_([a-z0-9_]+)\)/.exec(entry.text)?.[1];
    if (nested !== undefined) {
      const block = blockAt([...entry.path, name]);
      if (entry.computed || /\(Output\)/.test(entry.text)) markComputed(block);
      continue;
    }
    if (parent.block_types[name]) continue;
    const required = /\(Required\)/.test(entry.text) || (except !== undefined && except !== type);
    const computed = entry.computed || /\(Output\)|\(Computed\)/.test(entry.text);
    parent.attributes[name] = computed
      ? { ...parent.attributes[name], computed: true }
      : required
        ? { required: true }
        : { optional: true };
  }
  return root;
}

/** `member/members` on an IAM page: `member` for _member resources, `members` for _binding. */
function memberName(type: string, listed: string): string {
  const [single, plural] = listed.split('/');
  return type.endsWith('_member') ? (single ?? listed) : (plural ?? listed);
}

function markComputed(block: SchemaBlock): void {
  for (const attribute of Object.values(block.attributes)) attribute.computed = true;
  for (const nested of Object.values(block.block_types)) markComputed(nested.block);
}

/** terraform_data is built into Terraform (not the google provider): its documented arguments and attributes. */
const TERRAFORM_DATA: SchemaBlock = {
  attributes: {
    input: { optional: true },
    triggers_replace: { optional: true },
    output: { computed: true },
    id: { computed: true },
  },
  block_types: {},
};

if (import.meta.main) {
  const [gitDir, tag] = process.argv.slice(2);
  if (!gitDir || !tag) {
    process.stderr.write('usage: node extract.ts <terraform-provider-google git dir> <tag, e.g. v7.45.0>\n');
    process.exit(2);
  }
  const show = (path: string) =>
    execFileSync('git', ['--git-dir', gitDir, 'show', `${tag}:${path}`], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const resourceSchemas: Record<string, { block: SchemaBlock }> = {};
  for (const [type, page] of Object.entries(PAGES)) {
    const block = schemaFromMarkdown(type, show(`website/docs/r/${page}.html.markdown`));
    // Every resource of the provider has a computed id (IAM pages do not list it).
    block.attributes.id ??= { computed: true };
    resourceSchemas[type] = { block };
  }
  const schema = {
    format_version: '1.0',
    extract: {
      provider: 'registry.terraform.io/hashicorp/google',
      version: tag.replace(/^v/, ''),
      from: `website/docs/r/*.html.markdown of hashicorp/terraform-provider-google at tag ${tag}`,
      by: 'infra/test/provider-schema/extract.ts',
    },
    provider_schemas: {
      'registry.terraform.io/hashicorp/google': { resource_schemas: resourceSchemas },
      'terraform.io/builtin/terraform': { resource_schemas: { terraform_data: { block: TERRAFORM_DATA } } },
    },
  };
  process.stdout.write(`${JSON.stringify(schema, null, 1)}\n`);
}
