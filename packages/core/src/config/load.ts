/**
 * Loads typed config from an env snapshot (all problems at once, one message
 * each; messages are self-contained sentences naming the variable, and never
 * contain a secret value).
 */

import { inspectSettings, type LoadOptions } from './inspect.ts';
import { type ConfigOf, combinedProblems, type SettingSpecs } from './settings.ts';

export type { LoadOptions } from './inspect.ts';

export interface ConfigProblem {
  readonly name: string;
  readonly message: string;
}

export type LoadResult<S extends SettingSpecs> =
  | { readonly ok: true; readonly config: ConfigOf<S> }
  | { readonly ok: false; readonly problems: ConfigProblem[] };

export async function loadConfig<S extends SettingSpecs>(
  specs: S,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<LoadResult<S>> {
  const inspected = await inspectSettings(specs, env, options);
  const problems: ConfigProblem[] = [];
  const config: Record<string, unknown> = {};
  for (const entry of inspected) {
    if (entry.problem !== undefined) problems.push({ name: entry.spec.name, message: entry.problem });
    else config[entry.key] = entry.value;
  }
  if (problems.length > 0) return { ok: false, problems };
  const combined = combinedProblems(specs, config as ConfigOf<S>);
  if (combined.length > 0) return { ok: false, problems: combined };
  return { ok: true, config: config as ConfigOf<S> };
}
