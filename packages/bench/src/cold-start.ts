/**
 * Cold start: spawn the server, then send a signed query until the first 200;
 * the time from spawn to that answer is what a Wix visitor waits for on a
 * scaled-to-zero Cloud Run service. RSS is read a second after the first answer.
 * The server's CPU time up to that answer (/proc) is reported beside it: on a
 * loaded machine it moves far less than the wall time, so it tells whether a
 * change made the start cheaper when the wall times overlap.
 *
 * Until the server listens, the wait is a bare TCP connect every 2 ms, and the query
 * goes over the first connection accepted (`firstAnswer`), as Cloud Run holds a request
 * until the container's port accepts. Polling with `fetch` instead cost the bench about
 * half a core for the whole start (undici builds a request, a failed dispatch and its
 * errors per refused attempt: ~170 ms of CPU over a 330 ms start against ~40 ms for
 * connects), taken from the two cores the service starts on, and each attempt took ~4 ms.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { cpuMs, rssMb } from './proc.ts';
import { median } from './stats.ts';

export interface ColdStartResult {
  readonly runs: readonly number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly rssAfterFirstAnswerMb: number;
  /** Median user + system CPU time of the server from spawn to its first answer. */
  readonly cpuToFirstAnswerMs: number;
}

export async function measureColdStart(options: {
  readonly command: string;
  readonly args: readonly string[];
  readonly env: Record<string, string>;
  readonly port: number;
  readonly path: string;
  readonly body: string;
  readonly repeat: number;
  /** A folder to keep each run's stderr in (`<name>-<run>.log`), e.g. phase marks of a `--import` script. */
  readonly logDir?: string;
  readonly name?: string;
  /**
   * Run after each start, the service stopped: the goal run measures one bare client import
   * there, so the start and its yardstick alternate and a drift of the machine's load weighs on
   * both alike (cli.ts `coldStarts`).
   */
  readonly between?: () => Promise<void>;
  /** How long a start may take to answer 200 before the run fails (30 s). */
  readonly timeoutMs?: number;
}): Promise<ColdStartResult> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const runs: number[] = [];
  const cpu: number[] = [];
  let rss = Number.NaN;
  for (let i = 0; i < options.repeat; i++) {
    let log: number | undefined;
    if (options.logDir) {
      mkdirSync(options.logDir, { recursive: true });
      log = openSync(join(options.logDir, `${options.name ?? 'target'}-${i + 1}.log`), 'w');
    }
    const started = performance.now();
    const child = spawn(options.command, options.args, {
      env: { ...process.env, ...options.env, PORT: String(options.port) },
      stdio: ['ignore', 'ignore', log ?? 'ignore'],
    });
    if (log !== undefined) closeSync(log);
    try {
      for (;;) {
        const left = timeoutMs - (performance.now() - started);
        if (left < 0) throw new Error(`no answer within ${timeoutMs / 1000} s`);
        if ((await firstAnswer(options.port, options.path, options.body, left)) === 200) break;
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      runs.push(Math.round(performance.now() - started));
      if (child.pid) cpu.push(cpuMs(child.pid));
      if (i === 0 && child.pid) {
        // Idle RSS: a second after the first answer, with nothing else asked.
        await new Promise((resolve) => setTimeout(resolve, 1000));
        rss = rssMb(child.pid);
      }
    } finally {
      // SIGTERM like Cloud Run (a profile asked for with --node-options is written on that exit).
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      });
    }
    await options.between?.();
  }
  return {
    runs,
    medianMs: median(runs),
    minMs: Math.min(...runs),
    rssAfterFirstAnswerMb: Math.round(rss),
    cpuToFirstAnswerMs: median(cpu),
  };
}

/**
 * One attempt: a TCP connection to the port, and when it is accepted the signed query over it
 * (the same request the load sends: a POST of the token as text). The answer's status; 0 while
 * nothing listens, when the connection fails, or when no answer comes within `waitMs`.
 */
async function firstAnswer(port: number, path: string, body: string, waitMs: number): Promise<number> {
  const socket = await openSocket(port);
  if (!socket) return 0;
  return new Promise((resolve) => {
    const post = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: 'POST',
        headers: { 'content-type': 'text/plain', 'content-length': Buffer.byteLength(body) },
        createConnection: () => socket,
      },
      (response) => {
        response.resume();
        response.once('end', () => resolve(response.statusCode ?? 0));
        response.once('error', () => resolve(0));
      },
    );
    post.once('error', () => resolve(0));
    // A server that accepts and never answers: the attempt ends with the run's time.
    post.setTimeout(Math.max(1, waitMs), () => post.destroy());
    // The connection is the attempt's own: closed once the answer is read.
    post.once('close', () => socket.destroy());
    post.end(body);
  });
}

/** A connected socket to 127.0.0.1:port, or undefined when the connection is refused. */
function openSocket(port: number): Promise<Socket | undefined> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const refused = () => {
      socket.destroy();
      resolve(undefined);
    };
    socket.once('error', refused);
    socket.once('connect', () => {
      socket.off('error', refused);
      resolve(socket);
    });
  });
}

/**
 * The yardstick of issue 11's cold-start goal: how long a bare
 * `node -e "await import('<client>')"` takes (spawn → exit), run from the
 * service's folder so the same installed client is found, with the image's
 * NODE_OPTIONS and no compile cache (a conventional import). Returns one run's
 * measurement per call, so the caller can alternate it with the service's starts.
 */
export function clientImportRun(options: {
  readonly client: string;
  readonly dir: string;
  readonly env: Record<string, string>;
}): () => Promise<number> {
  const env: Record<string, string | undefined> = { ...process.env, ...options.env, NODE_DISABLE_COMPILE_CACHE: '1' };
  delete env.NODE_COMPILE_CACHE;
  return async () => {
    const started = performance.now();
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(process.execPath, ['-e', `await import(${JSON.stringify(options.client)})`], {
        cwd: options.dir,
        env,
        stdio: 'ignore',
      });
      child.once('error', reject);
      child.once('exit', resolve);
    });
    if (code !== 0) throw new Error(`importing ${options.client} from ${options.dir} failed (exit ${code})`);
    return Math.round(performance.now() - started);
  };
}
