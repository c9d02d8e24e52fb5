#!/usr/bin/env node
/**
 * `adaptors <command> [options]`. Dispatch only: each command's
 * module is imported when it runs, so `--help` and `keys` start fast and only
 * `call`/`doctor`/`config`/`connect` pay for the core.
 *
 * Exit codes: 0 ok; 1 the operation failed (HTTP error from an adaptor or from
 * Wix, unreachable host, invalid configuration); 2 usage error.
 */
import { realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CommandError, EXIT, type Io, note, processIo, UsageError } from './output.ts';

/** The release (every package of the repository carries the same version, CHANGELOG.md). */
export const VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** Set to 1 (or true) to see the stack trace of an unexpected error. Named after the command, `adaptors`. */
export const DEBUG_ENV = 'ADAPTORS_DEBUG';
const DEBUG_VALUES = new Set(['1', 'true', 'yes']);

export interface Command {
  readonly help: string;
  run(args: readonly string[], io: Io): Promise<number>;
}

const COMMANDS: Readonly<Record<string, { summary: string; load: () => Promise<Command> }>> = {
  keys: {
    summary: 'keys generate — a dev key pair, and the public key in every form WIX_PUBLIC_KEYS accepts',
    load: async () => (await import('./commands/keys.ts')).keysCommand,
  },
  sign: {
    summary: 'sign <request> — a token signed as Wix signs a call',
    load: async () => (await import('./commands/sign.ts')).signCommand,
  },
  call: {
    summary: 'call <baseUrl> <endpoint> <request> — sign, POST to an adaptor, print the answer',
    load: async () => (await import('./commands/call.ts')).callCommand,
  },
  doctor: {
    summary: 'doctor <baseUrl> — status, readiness and a signed round trip on a throwaway collection',
    load: async () => (await import('./commands/doctor.ts')).doctorCommand,
  },
  config: {
    summary: "config check --service <db> — a service's settings: set, missing, invalid",
    load: async () => (await import('./commands/config.ts')).configCommand,
  },
  firestore: {
    summary: 'firestore backfill <collection> — bring existing documents into the storage format',
    load: async () => (await import('./commands/firestore.ts')).firestoreCommand,
  },
  connect: {
    summary: "connect create|update|get|list|delete — a site's external database connection (Wix API)",
    load: async () => (await import('./commands/connect.ts')).connectCommand,
  },
};

export const HELP = `Usage: adaptors <command> [options]

Commands:
${Object.entries(COMMANDS)
  .map(([name, { summary }]) => `  ${name.padEnd(11)}${summary}`)
  .join('\n')}

Run \`adaptors <command> --help\` for a command's options and examples,
\`adaptors --version\` for the release.

Exit codes: 0 ok · 1 the operation failed (HTTP error from an adaptor or from Wix,
unreachable host, invalid configuration) · 2 usage error
`;

export async function run(argv: readonly string[], io: Io = processIo()): Promise<number> {
  const [name, ...rest] = argv;
  // `adaptors --version` and `adaptors <command> --version` (before any `--`).
  const options = argv.includes('--') ? argv.slice(0, argv.indexOf('--')) : argv;
  if (options.includes('--version') || name === '-v' || name === 'version') {
    io.stdout(`adaptors ${VERSION}\n`);
    return EXIT.ok;
  }
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      io.stdout(HELP);
      return name === undefined ? EXIT.usage : EXIT.ok;
    }
    return run([topic, '--help'], io);
  }
  const entry = COMMANDS[name];
  if (!entry) {
    note(io, `adaptors: unknown command "${name}"`);
    io.stderr(HELP);
    return EXIT.usage;
  }
  const command = await entry.load();
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      note(io, `adaptors ${name}: ${err.message}`);
      note(io, `Run \`adaptors ${name} --help\` for usage.`);
      return EXIT.usage;
    }
    if (err instanceof CommandError) {
      note(io, `adaptors ${name}: ${err.message}`);
      return EXIT.failed;
    }
    // A stack trace is for whoever debugs the CLI, not for the site owner (the project's rule: no
    // stack trace reaches the terminal); ADAPTORS_DEBUG=1 asks for it (packages/cli/README.md "Exit codes").
    const debug = DEBUG_VALUES.has((io.env[DEBUG_ENV] ?? '').trim().toLowerCase());
    const text = err instanceof Error ? err.message || err.name : String(err);
    note(io, `adaptors ${name}: unexpected error: ${text}`);
    if (debug && err instanceof Error && err.stack) note(io, err.stack);
    else note(io, `This is not a known failure of the command; re-run with ${DEBUG_ENV}=1 for details.`);
    return EXIT.failed;
  }
}

/**
 * Whether Node was asked to run this file (`node packages/cli/dist/cli.js …`, the command
 * `npm start` prints) rather than import it (bin/adaptors.js, tests). `import.meta.main` exists
 * from Node 24.2 only; on older Node (the machine's own 20, the engines' 22) the file compares
 * itself with the script Node started, or the command did nothing and exited 0.
 */
export function isMainModule(
  meta: { readonly url: string; readonly main?: boolean },
  script = process.argv[1],
): boolean {
  if (typeof meta.main === 'boolean') return meta.main;
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(meta.url));
  } catch {
    return false;
  }
}

if (isMainModule(import.meta)) {
  process.exitCode = await run(process.argv.slice(2));
}
