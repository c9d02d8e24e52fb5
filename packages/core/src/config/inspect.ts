/**
 * Reads every setting of a spec record from an env snapshot: resolves Secret
 * Manager references, applies defaults, parses. Shared by loadConfig (which
 * wants values) and checkConfig (which wants a report). Problems are collected,
 * not thrown, so an operator sees all of them at once.
 */

import { parseSecretReference, REFERENCE_FORMS, referenceMistake, secretManagerResolver } from './secrets.ts';
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
      if (!reference) {
        // A mistyped reference is refused, not used as the literal value (the reference
        // text would become the secret). The value is quoted only for a non-secret setting.
        const mistake = referenceMistake(raw);
        if (mistake) {
          const quoted = spec.secret || raw.length > ECHO_LIMIT ? '' : ` (${JSON.stringify(raw)})`;
          return {
            key,
            spec,
            source: 'env',
            problem: `${spec.name}${quoted} looks like a Secret Manager reference but is not one: ${mistake}. Write ${REFERENCE_FORMS}.`,
          };
        }
        return parseInto({ key, spec, source: 'env' }, raw);
      }
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
    // Parsers are written not to echo values. For a secret, make sure: the message must be the
    // one a value of the same shape but other characters gets, or it is replaced whole. (Masking
    // the value inside the text showed which word of a fixed message a short secret was.)
    if (spec.secret && messageFor(spec, lookalike(raw)) !== text) {
      text = `the reason is not shown, as it would repeat the secret. What it takes: ${spec.description}`;
    }
    const from = base.source === 'default' ? ' (its default)' : base.reference ? ` (from ${base.reference})` : '';
    const got = !spec.secret && base.source === 'env' && raw.length <= ECHO_LIMIT ? `, got ${JSON.stringify(raw)}` : '';
    return { ...base, problem: `${spec.name}${from} is invalid: ${text}${got}` };
  }
}

/** The parser's message for `raw`, or undefined when it accepts it. */
function messageFor(spec: SettingSpec<unknown>, raw: string): string | undefined {
  try {
    spec.parse(raw);
    return undefined;
  } catch (err) {
    return message(err);
  }
}

/** `raw` with every letter and digit changed and the rest (separators, length) kept. */
function lookalike(raw: string): string {
  return raw
    .replace(/[a-z]/g, (c) => (c === 'x' ? 'y' : 'x'))
    .replace(/[A-Z]/g, (c) => (c === 'X' ? 'Y' : 'X'))
    .replace(/[0-9]/g, (c) => (c === '7' ? '8' : '7'))
    .replace(/[^ -~]/g, (c) => (/\s/.test(c) ? c : 'x'));
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
