/**
 * Reads every setting of a spec record from an env snapshot: resolves Secret
 * Manager references, applies defaults, parses. Shared by loadConfig (which
 * wants values) and checkConfig (which wants a report). Problems are collected,
 * not thrown, so an operator sees all of them at once.
 */

import { parseSecretReference, secretManagerResolver } from './secrets.ts';
import type { SettingSpec, SettingSpecs } from './settings.ts';

export interface LoadOptions {
  /** Resolves a Secret Manager reference to its value. Default: secretManagerResolver(), created only if a reference is present. */
  resolveSecret?: (ref: string) => Promise<string>;
}

export type Source = 'env' | 'secret-reference' | 'default' | 'unset';

export interface Inspected {
  readonly key: string;
  readonly spec: SettingSpec<unknown>;
  readonly source: Source;
  /** The reference text when the value came from Secret Manager (references are not secret). */
  readonly reference?: string;
  readonly value?: unknown;
  readonly problem?: string;
}

/** Non-secret values up to this length are quoted in problems; longer ones (keys, JSON) are not. */
const ECHO_LIMIT = 64;

export async function inspectSettings(
  specs: SettingSpecs,
  env: Readonly<Record<string, string | undefined>>,
  options: LoadOptions = {},
): Promise<Inspected[]> {
  let resolver = options.resolveSecret;
  return Promise.all(
    Object.entries(specs).map(async ([key, spec]): Promise<Inspected> => {
      // An empty variable counts as unset: Cloud Run and .env files produce them easily.
      const raw = env[spec.name]?.trim() ?? '';
      if (raw === '') {
        if (spec.default !== undefined) return parseInto({ key, spec, source: 'default' }, spec.default);
        if (spec.required) {
          return { key, spec, source: 'unset', problem: `${spec.name} is required but not set: ${spec.description}` };
        }
        return { key, spec, source: 'unset' };
      }
      const reference = parseSecretReference(raw);
      if (!reference) return parseInto({ key, spec, source: 'env' }, raw);
      resolver ??= secretManagerResolver();
      let resolved: string;
      try {
        resolved = (await resolver(raw)).trim();
      } catch (err) {
        return { key, spec, source: 'secret-reference', reference: raw, problem: `${spec.name}: ${message(err)}` };
      }
      if (resolved === '') {
        return {
          key,
          spec,
          source: 'secret-reference',
          reference: raw,
          problem: `${spec.name}: secret ${raw} is empty`,
        };
      }
      return parseInto({ key, spec, source: 'secret-reference', reference: raw }, resolved);
    }),
  );
}

function parseInto(base: Omit<Inspected, 'value' | 'problem'>, raw: string): Inspected {
  const { spec } = base;
  try {
    return { ...base, value: spec.parse(raw) };
  } catch (err) {
    let text = message(err);
    // Parsers are written not to echo values; scrub anyway in case one does.
    if (spec.secret && raw.length >= 4) text = text.split(raw).join('***');
    const from = base.source === 'default' ? ' (its default)' : base.reference ? ` (from ${base.reference})` : '';
    const got = !spec.secret && base.source === 'env' && raw.length <= ECHO_LIMIT ? `, got ${JSON.stringify(raw)}` : '';
    return { ...base, problem: `${spec.name}${from} is invalid: ${text}${got}` };
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
