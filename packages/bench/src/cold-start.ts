/**
 * Cold start: spawn the server, then send a signed query until the first 200;
 * the time from spawn to that answer is what a Wix visitor waits for on a
 * scaled-to-zero Cloud Run service. RSS is read right after the first answer.
 */
import { spawn } from 'node:child_process';
import { rssMb } from './proc.ts';

export interface ColdStartResult {
  readonly runs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly rssAfterFirstAnswerMb: number;
}

export async function measureColdStart(options: {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly port: number;
  readonly path: string;
  readonly body: string;
  readonly repeat: number;
}): Promise<ColdStartResult> {
  const runs: number[] = [];
  let rss = Number.NaN;
  for (let i = 0; i < options.repeat; i++) {
    const started = performance.now();
    const child = spawn(options.command, options.args, {
      env: { ...process.env, ...options.env, PORT: String(options.port) },
      stdio: 'ignore',
    });
    try {
      for (;;) {
        if (performance.now() - started > 30_000) throw new Error('no answer within 30 s');
        try {
          const response = await fetch(`http://127.0.0.1:${options.port}${options.path}`, {
            method: 'POST',
            body: options.body,
          });
          if (response.status === 200) {
            await response.arrayBuffer();
            break;
          }
        } catch {
          // Not listening yet.
        }
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      runs.push(Math.round(performance.now() - started));
      if (i === 0 && child.pid) rss = rssMb(child.pid);
    } finally {
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGKILL');
      });
    }
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    runs,
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    minMs: sorted[0] ?? Number.NaN,
    rssAfterFirstAnswerMb: Math.round(rss),
  };
}
