/**
 * Starts the official Cloud Spanner emulator (docs/engines.md §2) as a direct
 * child process on a free port, waits until it accepts connections and creates
 * one instance in it. Tests create a database per file on that instance.
 *
 * The testkit does not depend on `@google-cloud/spanner`: the caller passes a
 * `connect` function that builds a client (structurally typed below), so the
 * emulator and the client version are both the service's choice.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createConnection } from 'node:net';
import { freePort } from '../free-port.ts';
import { locateEmulator } from './locate.ts';
import { type FaultControls, killChild, listensOn, signalChild, stopChild } from './process-faults.ts';

/** What the launcher needs from a Spanner client (a subset of `@google-cloud/spanner`'s `Spanner`). */
export interface SpannerAdminClient {
  createInstance(
    id: string,
    options: { config: string; nodes: number; displayName?: string },
  ): Promise<readonly [unknown, { promise(): Promise<unknown> }, ...unknown[]]>;
  instance(id: string): {
    createDatabase(
      name: string,
      options?: { schema?: string[] },
    ): Promise<readonly [{ close(): Promise<unknown> }, { promise(): Promise<unknown> }, ...unknown[]]>;
  };
  close(): void;
}

export interface SpannerEmulatorOptions {
  /**
   * Builds a client; called after SPANNER_EMULATOR_HOST points at the emulator.
   * Without it no instance is created and `createDatabase` is unavailable (a
   * service started with SPANNER_EMULATOR_CREATE=true creates its own).
   */
  readonly connect?: (options: { projectId: string }) => SpannerAdminClient;
  readonly projectId?: string;
  readonly instanceId?: string;
  /** Emulator binary; defaults to $SPANNER_EMULATOR_BIN, then the Google Cloud SDK's (emulators/locate.ts). */
  readonly binary?: string;
  readonly readyTimeoutMs?: number;
}

export interface SpannerEmulator extends FaultControls {
  /** `127.0.0.1:PORT`, the value for SPANNER_EMULATOR_HOST. */
  readonly host: string;
  readonly projectId: string;
  readonly instanceId: string;
  /** The current process (a restart makes a new one). */
  readonly pid: number;
  createDatabase(name?: string, schema?: readonly string[]): Promise<{ databaseId: string }>;
  stop(): Promise<void>;
}

/**
 * The client crashes on this emulator ("Unable to release unknown resource")
 * unless multiplexed sessions are off (docs/engines.md §2); these are read
 * when a client is built, so set them before `connect` runs.
 */
export const SPANNER_EMULATOR_CLIENT_ENV: Readonly<Record<string, string>> = {
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS: 'false',
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_FOR_RW: 'false',
  GOOGLE_CLOUD_SPANNER_MULTIPLEXED_SESSIONS_PARTITIONED_OPS: 'false',
};

export function spannerEmulatorBinary(explicit?: string): string {
  return locateEmulator('spanner', explicit === undefined ? {} : { explicit });
}

export async function startSpannerEmulator(options: SpannerEmulatorOptions): Promise<SpannerEmulator> {
  const binary = spannerEmulatorBinary(options.binary);
  const projectId = options.projectId ?? 'emulator-project';
  const instanceId = options.instanceId ?? 'test-instance';
  let port = await freePort();
  let host = `127.0.0.1:${port}`;
  let output = '';
  const launch = (): { child: ChildProcess; exited: Promise<number | null> } => {
    const child = spawn(binary, [`--host_port=${host}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    return { child, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
  };
  let current = launch();

  const stop = async (): Promise<void> => {
    const { child, exited } = current;
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalChild(child, 'SIGCONT', false);
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await exited;
    clearTimeout(timer);
  };

  let client: SpannerAdminClient | undefined;
  const shutdown = async (): Promise<void> => {
    // One client for the launcher's lifetime: closing a client while a new
    // Database's session pool is still filling makes that pool emit an error.
    client?.close();
    client = undefined;
    await stop();
  };
  const createInstance = async (): Promise<void> => {
    if (!client) return;
    const [, op] = await client.createInstance(instanceId, { config: 'emulator-config', nodes: 1 });
    await op.promise();
  };
  try {
    // A port another process took between freePort() and the bind: the emulator exits, so try another.
    for (let attempt = 1; ; attempt++) {
      try {
        await waitForPort(port, current.child, options.readyTimeoutMs ?? 15_000, () => output);
        break;
      } catch (error) {
        if (!(error instanceof PortTaken) || attempt >= 3) throw error;
        await killChild(current.child, false);
        port = await freePort();
        host = `127.0.0.1:${port}`;
        current = launch();
      }
    }
    process.env.SPANNER_EMULATOR_HOST = host;
    Object.assign(process.env, SPANNER_EMULATOR_CLIENT_ENV);
    if (options.connect) {
      client = options.connect({ projectId });
      await createInstance();
    }
  } catch (error) {
    await shutdown();
    throw error;
  }

  let counter = 0;
  return {
    host,
    projectId,
    instanceId,
    get pid() {
      return current.child.pid ?? -1;
    },
    pause: () => stopChild(current.child, false),
    resume: () => signalChild(current.child, 'SIGCONT', false),
    kill: () => killChild(current.child, false),
    async restart() {
      await killChild(current.child, false);
      current = launch();
      await waitForPort(port, current.child, options.readyTimeoutMs ?? 15_000, () => output);
      // Back to the state the launcher started in: the instance, no database.
      // The admin client's channel is in reconnect backoff after the kill: retry until it is through.
      for (let attempt = 1; ; attempt++) {
        try {
          await createInstance();
          return;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
      }
    },
    async createDatabase(name, schema = []) {
      if (!client) throw new Error('createDatabase needs a running emulator started with a `connect` option');
      const databaseId = name ?? `db_${process.pid}_${++counter}_${Date.now().toString(36)}`;
      const [database, op] = await client.instance(instanceId).createDatabase(databaseId, { schema: [...schema] });
      await op.promise();
      await database.close();
      return { databaseId };
    },
    stop: shutdown,
  };
}

/** The port was answered by another process than the emulator started on it. */
class PortTaken extends Error {}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number, log: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let taken = false;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      const message = `Spanner emulator exited with code ${child.exitCode} before it was ready:\n${log()}`;
      throw taken ? new PortTaken(message) : new Error(message);
    }
    if (await canConnect(port)) {
      // Only the emulator's own listener counts (process-faults.ts listensOn); else it cannot bind and exits.
      if (listensOn(child, port, false) !== false) return;
      taken = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`Spanner emulator did not accept connections on port ${port} within ${timeoutMs} ms:\n${log()}`);
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => {
      socket.destroy();
      resolve(false);
    });
  });
}
