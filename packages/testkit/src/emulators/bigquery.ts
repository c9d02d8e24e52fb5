/**
 * Starts the project's BigQuery emulator (packages/bigquery-emulator, DuckDB)
 * as a child process on a free port, for the local stack and the bench. The
 * testkit does not depend on the emulator package (and its DuckDB binary):
 * it runs the emulator's built CLI, found beside this package in the repo.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface BigQueryEmulatorProcess {
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
  const child = spawn(process.execPath, [bin, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () =>
        reject(
          new Error(`BigQuery emulator did not start within ${options.timeoutMs ?? 15_000} ms: ${output.slice(-500)}`),
        ),
      options.timeoutMs ?? 15_000,
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
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}
