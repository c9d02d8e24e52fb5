/**
 * Starts the project's BigQuery emulator (packages/bigquery-emulator, DuckDB)
 * as a child process on a free port, for the local stack and the bench. The
 * testkit does not depend on the emulator package (and its DuckDB binary):
 * it runs the emulator's built CLI, found beside this package in the repo.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type FaultControls, killChild, signalChild, stopChild } from './process-faults.ts';

export interface BigQueryEmulatorProcess extends FaultControls {
  /** Base URL, e.g. http://127.0.0.1:9050 — BIGQUERY_API_ENDPOINT / BIGQUERY_EMULATOR_HOST. */
  readonly url: string;
  stop(): Promise<void>;
}

// Same depth from src/emulators and dist/emulators: packages/testkit/<src|dist>/emulators → packages/.
const DEFAULT_BIN = fileURLToPath(new URL('../../../bigquery-emulator/dist/bin.js', import.meta.url));

export async function startBigQueryEmulatorProcess(
  options: { readonly bin?: string; readonly timeoutMs?: number } = {},
): Promise<BigQueryEmulatorProcess> {
  const bin = options.bin ?? process.env.BIGQUERY_EMULATOR_BIN ?? DEFAULT_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `BigQuery emulator not built at ${bin}: run node scripts/run.mjs turbo run build --filter @adaptors/bigquery-emulator`,
    );
  }
  const timeoutMs = options.timeoutMs ?? 15_000;
  let child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await listening(child, timeoutMs);
  const port = new URL(url).port;
  return {
    url,
    pause: () => stopChild(child, false),
    resume: () => signalChild(child, 'SIGCONT', false),
    kill: () => killChild(child, false),
    async restart() {
      await killChild(child, false);
      // Same port, so clients keep their endpoint; the emulator starts empty (its state is in memory).
      child = spawn(process.execPath, [bin, '--port', port], { stdio: ['ignore', 'pipe', 'pipe'] });
      await listening(child, timeoutMs);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        signalChild(child, 'SIGCONT', false);
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** Waits for the emulator's "listening on URL" line. */
async function listening(child: ChildProcess, timeoutMs: number): Promise<string> {
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`BigQuery emulator did not start within ${timeoutMs} ms: ${output.slice(-500)}`)),
      timeoutMs,
    );
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/[\d.:]+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`BigQuery emulator exited with code ${code}: ${output.slice(-500)}`));
    });
  });
  child.stdout?.resume();
  child.stderr?.resume();
  return url;
}
