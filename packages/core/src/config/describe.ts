/**
 * Human-facing views of settings: a markdown table for documentation and a
 * `config check` report for the CLI. Secret values are never shown.
 */

import { type Inspected, inspectSettings, type LoadOptions } from './inspect.ts';
import { type ConfigOf, combinedProblems, type SettingSpecs } from './settings.ts';
import { configWarnings } from './warnings.ts';

/** Markdown table: Setting | Meaning | Default | Secret. */
export function describeSettings(specs: SettingSpecs): string {
  const rows = Object.values(specs).map((spec) => {
    const fallback = spec.required ? '**required**' : spec.default !== undefined ? `\`${spec.default}\`` : '(unset)';
    return `| \`${spec.name}\` | ${cell(spec.description)} | ${fallback} | ${spec.secret ? 'yes' : 'no'} |`;
  });
  return ['| Setting | Meaning | Default | Secret |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** A markdown table, cells escaped (`|`) and kept on one line: for the docs generated from code (settings, type tables). */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(headers), line(headers.map(() => '---')), ...rows.map(line)].join('\n');
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}

const HIDDEN = '•••••• (secret, hidden)';
const SHOW_LIMIT = 60;

/** One setting in a configuration report. Secret values are never included. */
export interface ConfigReportEntry {
  readonly name: string;
  /** `set` (env or Secret Manager), `default`, `unset` (optional, no default), `missing` (required), `invalid`. */
  readonly state: 'set' | 'default' | 'unset' | 'missing' | 'invalid';
  /** What `config check` shows: the value, masked when secret; absent when unset, missing or invalid. */
  readonly shown?: string;
  /** The Secret Manager reference the value came from, when it did. */
  readonly reference?: string;
  readonly problem?: string;
}

/** The `config check` report as data (`--json`): each setting's state, then whether all is well. */
export interface ConfigReport {
  readonly ok: boolean;
  readonly settings: readonly ConfigReportEntry[];
  readonly problems: readonly string[];
  /** What loads but probably is not what was meant (warnings.ts); never makes `ok` false. */
  readonly warnings: readonly string[];
}

export async function configReport(
  specs: SettingSpecs,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<ConfigReport> {
  const inspected = await inspectSettings(specs, env, options);
  const settings = inspected.map((entry): ConfigReportEntry => {
    const base = { name: entry.spec.name, ...(entry.reference ? { reference: entry.reference } : {}) };
    if (entry.problem !== undefined) {
      return { ...base, state: entry.source === 'unset' ? 'missing' : 'invalid', problem: entry.problem };
    }
    if (entry.source === 'unset') return { ...base, state: 'unset' };
    return { ...base, state: entry.source === 'default' ? 'default' : 'set', shown: shownValue(entry) };
  });
  const problems = settings.flatMap((entry) => (entry.problem === undefined ? [] : [entry.problem]));
  if (problems.length === 0) {
    // Each setting is valid: now the combinations (sizing at max scale).
    const config = Object.fromEntries(inspected.map((entry) => [entry.key, entry.value])) as ConfigOf<typeof specs>;
    problems.push(...combinedProblems(specs, config).map((p) => p.message));
  }
  const warnings = configWarnings(specs, env).map((warning) => warning.message);
  return { ok: problems.length === 0, settings, problems, warnings };
}

/** A plain-text report: each setting's state (secrets masked), then the problems. */
export async function checkConfig(
  specs: SettingSpecs,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<string> {
  return renderConfigReport(await configReport(specs, env, options));
}

/** The text of a report (checkConfig's), for a caller that also wants the report's verdict without a second read. */
export function renderConfigReport(report: ConfigReport): string {
  const width = Math.max(...report.settings.map((entry) => entry.name.length), 7) + 2;
  const count = report.problems.length;
  const warned = report.warnings.length;
  const warnings = warned === 0 ? '' : ` ${warned} warning${warned === 1 ? '' : 's'} below.`;
  const lines = [
    count === 0
      ? `Configuration OK (${report.settings.length} settings).${warnings}`
      : `Configuration has ${count} problem${count === 1 ? '' : 's'}.${warnings}`,
    '',
    ...report.settings.map((entry) => `  ${entry.name.padEnd(width)}${status(entry)}`),
  ];
  if (count > 0) lines.push('', 'Problems:', ...report.problems.map((problem) => `  - ${problem}`));
  if (warned > 0) lines.push('', 'Warnings:', ...report.warnings.map((warning) => `  - ${warning}`));
  return lines.join('\n');
}

function status(entry: ConfigReportEntry): string {
  const from = entry.reference ? ` (from ${entry.reference})` : '';
  switch (entry.state) {
    case 'missing':
      return 'MISSING (required)';
    case 'invalid':
      return `INVALID${from}`;
    case 'unset':
      return 'not set (optional)';
    case 'default':
      return `${entry.shown} (default)`;
    case 'set':
      return `${entry.shown}${from}`;
  }
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
