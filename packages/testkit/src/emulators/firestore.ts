/**
 * Starts the official Cloud Firestore emulator (google-cloud-cli-firestore-emulator,
 * docs/engines.md §3) as a direct child process in its own process group, so
 * that stopping it also stops the JVM the launcher script spawns (killing
 * only the script would leave java running).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from '../free-port.ts';
import { locateEmulator } from './locate.ts';
import { type FaultControls, killChild, listensOn, signalChild, stopChild } from './process-faults.ts';

export interface FirestoreEmulator extends FaultControls {
  /** `127.0.0.1:PORT`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  /** A project id the emulator accepts (any id works; each id is its own empty database). */
  readonly projectId: string;
  /** Deletes every document of `projectId` (or of the given project). */
  reset(projectId?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface FirestoreEmulatorOptions {
  /** Path of the `cloud_firestore_emulator` script; default FIRESTORE_EMULATOR_BIN, then the Google Cloud SDK's (emulators/locate.ts). */
  readonly bin?: string;
  readonly projectId?: string;
  readonly port?: number;
  /** How long to wait for `GET /` to answer `Ok`. */
  readonly startTimeoutMs?: number;
}

async function answersOk(host: string): Promise<boolean> {
  try {
    const response = await fetch(`http://${host}/`, { signal: AbortSignal.timeout(1000) });
    return response.ok && (await response.text()).trim() === 'Ok';
  } catch {
    return false;
  }
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    // Negative pid = the whole process group (script + java).
    process.kill(-child.pid, signal);
  } catch {
    // Already gone.
  }
}

export async function startFirestoreEmulator(options: FirestoreEmulatorOptions = {}): Promise<FirestoreEmulator> {
  const bin = locateEmulator('firestore', options.bin === undefined ? {} : { explicit: options.bin });
  const port = options.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const projectId = options.projectId ?? 'demo-wix-adaptors';
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  const launch = () => {
    const child = spawn(bin, [`--host=127.0.0.1`, `--port=${port}`], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const state: { child: ChildProcess; exited: number | null | undefined; exitedPromise: Promise<void> } = {
      child,
      exited: undefined,
      exitedPromise: new Promise<void>((resolve) => {
        child.once('exit', (code) => {
          state.exited = code;
          resolve();
        });
      }),
    };
    return state;
  };
  let current = launch();

  const waitReady = async () => {
    const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
    // Only an answer from this launcher's own emulator counts (process-faults.ts listensOn).
    while (!((await answersOk(host)) && listensOn(current.child, port, true) !== false)) {
      if (current.exited !== undefined) {
        throw new Error(`Firestore emulator exited with code ${current.exited} before it was ready:\n${output}`);
      }
      if (Date.now() > deadline) {
        killGroup(current.child, 'SIGKILL');
        throw new Error(`Firestore emulator did not answer on ${host} in time:\n${output}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };
  await waitReady();

  return {
    host,
    projectId,
    async reset(project = projectId) {
      const response = await fetch(
        `http://${host}/emulator/v1/projects/${encodeURIComponent(project)}/databases/(default)/documents`,
        { method: 'DELETE' },
      );
      if (!response.ok) throw new Error(`Firestore emulator reset failed: HTTP ${response.status}`);
    },
    pause: () => stopChild(current.child, true),
    resume: () => signalChild(current.child, 'SIGCONT', true),
    kill: () => killChild(current.child, true),
    async restart() {
      await killChild(current.child, true);
      // The script may exit before its JVM: make sure the group is gone before reusing the port.
      killGroup(current.child, 'SIGKILL');
      current = launch();
      await waitReady();
    },
    async stop() {
      const { child } = current;
      if (current.exited !== undefined) {
        killGroup(child, 'SIGKILL');
        return;
      }
      killGroup(child, 'SIGCONT');
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await current.exitedPromise;
      clearTimeout(timer);
      // The script may exit before its JVM: make sure the group is gone.
      killGroup(child, 'SIGKILL');
    },
  };
}
