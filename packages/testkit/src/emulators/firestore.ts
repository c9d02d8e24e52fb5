/**
 * Starts the official Cloud Firestore emulator (google-cloud-cli-firestore-emulator,
 * docs/engines.md §3) as a direct child process in its own process group, so
 * that stopping it also stops the JVM the launcher script spawns (killing
 * only the script would leave java running).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../free-port.ts';

export interface FirestoreEmulator {
  /** `127.0.0.1:PORT`, the value for FIRESTORE_EMULATOR_HOST. */
  readonly host: string;
  /** A project id the emulator accepts (any id works; each id is its own empty database). */
  readonly projectId: string;
  /** Deletes every document of `projectId` (or of the given project). */
  reset(projectId?: string): Promise<void>;
  stop(): Promise<void>;
}

export interface FirestoreEmulatorOptions {
  /** Path of the `cloud_firestore_emulator` script; default FIRESTORE_EMULATOR_BIN or the Debian package path. */
  readonly bin?: string;
  readonly projectId?: string;
  readonly port?: number;
  /** How long to wait for `GET /` to answer `Ok`. */
  readonly startTimeoutMs?: number;
}

export const DEFAULT_FIRESTORE_EMULATOR_BIN =
  '/usr/lib/google-cloud-sdk/platform/cloud-firestore-emulator/cloud_firestore_emulator';

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
  const bin = options.bin ?? process.env.FIRESTORE_EMULATOR_BIN ?? DEFAULT_FIRESTORE_EMULATOR_BIN;
  if (!existsSync(bin)) {
    throw new Error(
      `Firestore emulator not found at ${bin}: install google-cloud-cli-firestore-emulator (apt) or set FIRESTORE_EMULATOR_BIN`,
    );
  }
  const port = options.port ?? (await freePort());
  const host = `127.0.0.1:${port}`;
  const projectId = options.projectId ?? 'demo-wix-adaptors';
  const child = spawn(bin, [`--host=127.0.0.1`, `--port=${port}`], {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: number | null | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code) => {
      exited = code;
      resolve();
    });
  });

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  while (!(await answersOk(host))) {
    if (exited !== undefined) {
      throw new Error(`Firestore emulator exited with code ${exited} before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      killGroup(child, 'SIGKILL');
      throw new Error(`Firestore emulator did not answer on ${host} in time:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

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
    async stop() {
      if (exited !== undefined) return;
      killGroup(child, 'SIGTERM');
      const timer = setTimeout(() => killGroup(child, 'SIGKILL'), 5000);
      await exitedPromise;
      clearTimeout(timer);
      // The script may exit before its JVM: make sure the group is gone.
      killGroup(child, 'SIGKILL');
    },
  };
}
