/**
 * node:util parseArgs with the CLI's conventions: `--help`/`-h` on every
 * command, unknown options and missing values as usage errors (exit 2).
 */
import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';
import { UsageError } from './output.ts';

const HELP = { help: { type: 'boolean', short: 'h' } } as const satisfies ParseArgsOptionsConfig;

export type Parsed<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O & typeof HELP; allowPositionals: true; strict: true; args: string[] }>
>;

export function parse<O extends ParseArgsOptionsConfig>(args: readonly string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args: [...args], options: { ...options, ...HELP }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs messages already name the option ("Unknown option '--x'"); drop its own hint about `--`.
    throw new UsageError((err as Error).message.replace(/\. To specify a positional argument.*$/s, ''));
  }
}

export function expectPositionals(positionals: readonly string[], names: readonly string[]): string[] {
  if (positionals.length < names.length) {
    throw new UsageError(
      `missing ${names
        .slice(positionals.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (positionals.length > names.length) {
    throw new UsageError(`unexpected argument "${positionals[names.length]}"`);
  }
  return [...positionals];
}
