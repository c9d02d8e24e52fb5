/**
 * `adaptors config check --service <db>`: what is set (secrets
 * masked), missing or invalid, from the service's own settings definition and
 * core's `checkConfig`, without starting the server. Exit 1 when invalid.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseEnv } from 'node:util';
import { checkConfig, configReport, loadConfig, secretManagerResolver } from '@adaptors/core';
import { parse } from '../args.ts';
import type { Command } from '../cli.ts';
import { codeOf } from '../input.ts';
import { EXIT, type Io, line, printJson, UsageError } from '../output.ts';
import { loadServiceSettings } from '../services.ts';

const HELP = `Usage: adaptors config check --service <db> [--settings-file FILE]... [--with-process-env] [--json]

Checks a service's configuration without starting it: every setting with its
value (secrets masked), default, or MISSING/INVALID, then the problems. Values
that are Secret Manager references (sm://PROJECT/SECRET, projects/P/secrets/S)
are resolved with your Google credentials, like the service does at startup.

<db> is a service of this repository (a folder under services/, e.g. spanner,
firestore) or a path to a service folder. Its settings come from
services/<db>/dist/settings.js (after pnpm build) or services/<db>/src/settings.ts.

Options:
  --service DB          The service whose settings to check (required)
  --settings-file FILE  Check the variables of this .env-format file (repeatable;
                        later files win) instead of the current environment.
                        (Not --env-file: Node takes that flag for itself.)
  --with-process-env    With --settings-file: start from the current environment
                        and lay the files over it
  --json                The report as JSON: { service, ok, settings[], problems[] }

Exit codes: 0 valid · 1 missing or invalid settings · 2 usage error

Examples:
  adaptors config check --service spanner
  adaptors config check --service firestore --settings-file deploy/firestore.env
`;

export const configCommand: Command = {
  help: HELP,
  async run(args, io) {
    const { values, positionals } = parse(args, {
      service: { type: 'string' },
      'settings-file': { type: 'string', multiple: true },
      'with-process-env': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    if (values.help) {
      io.stdout(HELP);
      return EXIT.ok;
    }
    const [sub, ...extra] = positionals;
    if (sub !== 'check') {
      throw new UsageError(sub === undefined ? 'missing subcommand: check' : `unknown subcommand "${sub}"`);
    }
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (values.service === undefined) throw new UsageError('--service <db> is required (e.g. --service spanner)');
    const files = values['settings-file'] ?? [];
    if (values['with-process-env'] && files.length === 0) {
      throw new UsageError('--with-process-env only makes sense with --settings-file');
    }
    const env = await environment(io, files, values['with-process-env'] === true);
    const service = await loadServiceSettings(io, values.service);

    // One resolver for the report and the verdict, so each secret is read once.
    const resolved = new Map<string, Promise<string>>();
    let resolver: ((ref: string) => Promise<string>) | undefined;
    const resolveSecret = (ref: string): Promise<string> => {
      resolver ??= secretManagerResolver();
      let value = resolved.get(ref);
      if (!value) {
        value = resolver(ref);
        resolved.set(ref, value);
      }
      return value;
    };

    const source =
      files.length === 0
        ? 'the current environment'
        : `${files.join(', ')}${values['with-process-env'] ? ' over the current environment' : ''}`;
    if (values.json) {
      const report = await configReport(service.specs, env, { resolveSecret });
      printJson(io, { service: service.name, settingsModule: service.module, values: source, ...report });
      return report.ok ? EXIT.ok : EXIT.failed;
    }
    line(io, `Service ${service.name} (settings: ${service.module}; values: ${source})`);
    line(io, await checkConfig(service.specs, env, { resolveSecret }));
    const result = await loadConfig(service.specs, env, { resolveSecret });
    return result.ok ? EXIT.ok : EXIT.failed;
  },
};

async function environment(
  io: Io,
  files: readonly string[],
  withProcessEnv: boolean,
): Promise<Record<string, string | undefined>> {
  if (files.length === 0) return { ...io.env };
  const env: Record<string, string | undefined> = withProcessEnv ? { ...io.env } : {};
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(resolve(io.cwd, file), 'utf8');
    } catch (err) {
      throw new UsageError(`--settings-file ${file}: cannot read it (${codeOf(err)})`);
    }
    Object.assign(env, parseEnv(text));
  }
  return env;
}
