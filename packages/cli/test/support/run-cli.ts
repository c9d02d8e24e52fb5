/**
 * Runs the CLI in-process with captured output, like the shell would run it:
 * the same `run()` the bin calls, with env, cwd, stdin and Secret Manager
 * injected.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli.ts';
import type { Io, SecretWriter } from '../../src/output.ts';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export interface RunOptions {
  readonly cwd: string;
  readonly env?: Record<string, string | undefined>;
  readonly stdin?: string;
  readonly secrets?: SecretWriter;
}

export async function runCli(argv: readonly string[], options: RunOptions): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: Io = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    readStdin: async () => options.stdin ?? '',
    env: options.env ?? {},
    cwd: options.cwd,
    fetch: (url, init) => fetch(url, init),
    ...(options.secrets ? { secrets: options.secrets } : {}),
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

export async function tempDir(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'adaptors-cli-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

/** The value of the last `WIX_PUBLIC_KEYS=` line of an output. */
export function envKey(stdout: string): string {
  const found = stdout
    .split('\n')
    .filter((l) => l.startsWith('WIX_PUBLIC_KEYS='))
    .pop();
  if (!found) throw new Error(`no WIX_PUBLIC_KEYS line in:\n${stdout}`);
  return found.slice('WIX_PUBLIC_KEYS='.length);
}

/** A local port nothing listens on (fetch refuses "bad ports" such as 1, so take a freed ephemeral one). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
