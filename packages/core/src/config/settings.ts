/**
 * Typed settings read from the environment. A service declares its settings as
 * a record (property name → spec) and gets back a config object whose property
 * types follow the specs: `config.port` is a number, an optional setting without
 * a default is `T | undefined`. Values may be Secret Manager references
 * (secrets.ts); the loader (load.ts) resolves them before `parse` runs.
 */

export interface SettingSpec<T> {
  /** Environment variable name, e.g. `PORT`. */
  readonly name: string;
  /** One line for humans: what it means and how to get a value. */
  readonly description: string;
  /** Secret values are never shown in messages or reports. */
  readonly secret: boolean;
  readonly required: boolean;
  /** Raw default, passed through `parse` like an env value. */
  readonly default?: string;
  /** Gets the trimmed, non-empty value. Throws an Error whose message must not repeat the value. */
  parse(value: string): T;
  /** Optional short description of a parsed value for reports (e.g. key fingerprints). */
  summarize?(value: T): string;
}

export type SettingSpecs = Readonly<Record<string, SettingSpec<unknown>>>;

type ValueOf<S> = S extends { parse(value: string): infer T } ? T : never;
type AlwaysPresent<S> = S extends { readonly required: true }
  ? true
  : S extends { readonly default: string }
    ? true
    : false;

/** The config object a record of specs produces. */
export type ConfigOf<S extends SettingSpecs> = {
  readonly [K in keyof S]: AlwaysPresent<S[K]> extends true ? ValueOf<S[K]> : ValueOf<S[K]> | undefined;
};

interface SettingInit<T> {
  readonly name: string;
  readonly description: string;
  readonly secret?: boolean;
  readonly required?: boolean;
  readonly default?: string;
  parse(value: string): T;
  summarize?(value: T): string;
}

/** Builds a spec; the overloads keep `required: true` / `default` visible to `ConfigOf`. */
export function setting<T>(
  init: SettingInit<T> & { readonly required: true },
): SettingSpec<T> & { readonly required: true };
export function setting<T>(
  init: SettingInit<T> & { readonly default: string },
): SettingSpec<T> & { readonly default: string };
export function setting<T>(init: SettingInit<T>): SettingSpec<T>;
export function setting<T>(init: SettingInit<T>): SettingSpec<T> {
  if (init.required && init.default !== undefined) {
    throw new Error(`setting ${init.name}: a required setting cannot have a default`);
  }
  const spec: SettingSpec<T> = {
    name: init.name,
    description: init.description,
    secret: init.secret ?? false,
    required: init.required ?? false,
    parse: init.parse,
    ...(init.default !== undefined ? { default: init.default } : {}),
    ...(init.summarize ? { summarize: init.summarize } : {}),
  };
  return spec;
}

const ENV_NAME = /^[A-Z][A-Z0-9_]*$/;

/**
 * Checks a record of specs once, at module load: env names well-formed and
 * unique, defaults parse. Returns the record unchanged, so spreading
 * `coreSettings` into a service's own record keeps every type.
 */
export function defineSettings<S extends SettingSpecs>(specs: S): S {
  const names = new Map<string, string>();
  for (const [key, spec] of Object.entries(specs)) {
    if (!ENV_NAME.test(spec.name)) throw new Error(`setting ${key}: "${spec.name}" is not an UPPER_SNAKE_CASE name`);
    const clash = names.get(spec.name);
    if (clash) throw new Error(`settings ${clash} and ${key} both read ${spec.name}`);
    names.set(spec.name, key);
    if (spec.default !== undefined) {
      try {
        spec.parse(spec.default);
      } catch (err) {
        throw new Error(`setting ${spec.name}: its default does not parse (${(err as Error).message})`);
      }
    }
  }
  return specs;
}

/** A problem a combination of settings has (each setting alone is valid). */
export interface CombinedProblem {
  /** The setting to change, e.g. `MAX_INSTANCES`. */
  readonly name: string;
  readonly message: string;
}

/** A check over the whole config: sizing that must hold at max scale (packages/core/SCALING.md). */
export type ConfigCheck<S extends SettingSpecs> = (config: ConfigOf<S>) => readonly CombinedProblem[];

const CHECKS = Symbol('config checks');

/**
 * Attaches checks over combinations of settings to a record: `loadConfig`
 * (so startup) and `checkConfig` (so `main.js check` and `adaptors config
 * check`) report what they find like any invalid setting. Kept off the
 * record's enumerable keys, so spreading the record copies the settings only.
 */
export function withChecks<S extends SettingSpecs>(specs: S, ...checks: ConfigCheck<S>[]): S {
  Object.defineProperty(specs, CHECKS, { value: [...checksOf(specs), ...checks], enumerable: false });
  return specs;
}

/** The problems the record's combined checks find in a fully valid config. */
export function combinedProblems<S extends SettingSpecs>(specs: S, config: ConfigOf<S>): CombinedProblem[] {
  return checksOf(specs).flatMap((check) => [...check(config)]);
}

function checksOf<S extends SettingSpecs>(specs: S): readonly ConfigCheck<S>[] {
  return ((specs as unknown as Record<symbol, unknown>)[CHECKS] as ConfigCheck<S>[] | undefined) ?? [];
}
