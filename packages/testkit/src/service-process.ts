/**
 * Starts a server under test as a child process (so its CPU and memory are its
 * own) on a free port and waits until it answers HTTP — the one launcher of
 * the bench and the multi-instance harness (cluster.ts). Its stdout (one log line
 * per request) goes to /dev/null, as a log agent would take it away in
 * production: draining a pipe here would make the load generator the bottleneck
 * (measured: ~2,000 vs ~7,000 req/s on a signed call).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { freePort } from './free-port.ts';

export interface ServerProcess {
  readonly url: string;
  readonly pid: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

export async function startServerProcess(
  command: string,
  args: readonly string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
  /** Appends the server's stdout (its log) to this file instead of dropping it: a file costs the load nothing. */
  logFile?: string,
): Promise<ServerProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = logFile ? openSync(logFile, 'a') : undefined;
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', log ?? 'ignore', 'pipe'],
  });
  if (log !== undefined) closeSync(log); // the child holds its own copy
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    errors = (errors + chunk.toString()).slice(-4000);
  });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`server exited with code ${child.exitCode} before listening:\n${errors}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`server did not listen within ${timeoutMs} ms:\n${errors}`);
    }
    try {
      await (await fetch(`${url}/healthz`)).arrayBuffer(); // any HTTP answer means it listens
      break;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return {
    url,
    pid: child.pid as number,
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}
