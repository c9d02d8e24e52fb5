/**
 * Human-facing views of settings: a markdown table for documentation and a
 * `config check` report for the CLI. Secret values are never shown.
 */

import { type Inspected, inspectSettings, type LoadOptions } from './inspect.ts';
import { type ConfigOf, combinedProblems, type SettingSpecs } from './settings.ts';

/** Markdown table: Setting | Meaning | Default | Secret. */
export function describeSettings(specs: SettingSpecs): string {
  const rows = Object.values(specs).map((spec) => {
    const fallback = spec.required ? '**required**' : spec.default !== undefined ? `\`${spec.default}\`` : '(unset)';
    return `| \`${spec.name}\` | ${cell(spec.description)} | ${fallback} | ${spec.secret ? 'yes' : 'no'} |`;
  });
  return ['| Setting | Meaning | Default | Secret |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

const HIDDEN = '•••••• (secret, hidden)';
const SHOW_LIMIT = 60;

/** A plain-text report: each setting's state (secrets masked), then the problems. */
export async function checkConfig(
  specs: SettingSpecs,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<string> {
  const inspected = await inspectSettings(specs, env, options);
  const problems = inspected.filter((entry) => entry.problem !== undefined).map((entry) => entry.problem as string);
  if (problems.length === 0) {
    // Each setting is valid: now the combinations (sizing at max scale).
    const config = Object.fromEntries(inspected.map((entry) => [entry.key, entry.value])) as ConfigOf<typeof specs>;
    problems.push(...combinedProblems(specs, config).map((p) => p.message));
  }
  const width = Math.max(...inspected.map((entry) => entry.spec.name.length), 7) + 2;
  const lines = [
    problems.length === 0
      ? `Configuration OK (${inspected.length} settings).`
      : `Configuration has ${problems.length} problem${problems.length === 1 ? '' : 's'}.`,
    '',
    ...inspected.map((entry) => `  ${entry.spec.name.padEnd(width)}${status(entry)}`),
  ];
  if (problems.length > 0) lines.push('', 'Problems:', ...problems.map((problem) => `  - ${problem}`));
  return lines.join('\n');
}

function status(entry: Inspected): string {
  const { source } = entry;
  if (entry.problem !== undefined) {
    return source === 'unset' ? 'MISSING (required)' : `INVALID${entry.reference ? ` (from ${entry.reference})` : ''}`;
  }
  if (source === 'unset') return 'not set (optional)';
  const origin =
    source === 'default' ? ' (default)' : source === 'secret-reference' ? ` (from ${entry.reference})` : '';
  return `${shownValue(entry)}${origin}`;
}

function shownValue(entry: Inspected): string {
  const { spec } = entry;
  if (spec.secret) return HIDDEN;
  if (spec.summarize) {
    try {
      return spec.summarize(entry.value);
    } catch {
      return 'set';
    }
  }
  const text = Array.isArray(entry.value) ? entry.value.join(',') : String(entry.value);
  return text.length > SHOW_LIMIT ? `${text.slice(0, SHOW_LIMIT - 1)}…` : text;
}
