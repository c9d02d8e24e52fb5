/**
 * What a command may touch of the outside world, passed in so the commands run
 * in-process in tests (captured output, injected env, a fake Secret Manager)
 * exactly as they run from the shell.
 */
import type { FetchLike } from './http.ts';

export interface SecretWriter {
  /** Adds a version to `projects/P/secrets/S`; returns the new version's resource name. */
  addVersion(parent: string, value: string): Promise<string>;
}

export interface Io {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly readStdin: () => Promise<string>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  /** The HTTP seam of `connect` (global fetch by default). */
  readonly fetch: FetchLike;
  /** Secret Manager seam of `connect --write-secret`; undefined: the real client, loaded lazily. */
  readonly secrets?: SecretWriter;
}

/** Exit codes scripts can rely on (README "Exit codes"). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** Wrong invocation: bad option, bad JSON argument, missing setting. Exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The operation was attempted and failed (HTTP error, unreachable host, invalid config). Exit 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
}

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    env: process.env,
    cwd: process.cwd(),
    fetch: (url, init) => fetch(url, init),
  };
}

export function line(io: Io, text = ''): void {
  io.stdout(`${text}\n`);
}

export function note(io: Io, text = ''): void {
  io.stderr(`${text}\n`);
}

export function printJson(io: Io, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}
