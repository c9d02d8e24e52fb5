/**
 * Fault controls shared by the emulator launchers: freeze an engine (SIGSTOP:
 * its sockets stay open and calls hang, like a stalled backend), thaw it,
 * kill it mid-load (SIGKILL: no clean shutdown), and start it again on the
 * same port (its in-memory state is gone, as after a crash). Fault tests
 * (services/<db>/test/faults.test.ts) drive the real engines with them.
 */
import type { ChildProcess } from 'node:child_process';

export interface FaultControls {
  /** SIGSTOP: the engine stops answering; connections stay open. */
  pause(): void;
  /** SIGCONT after `pause`. */
  resume(): void;
  /** SIGKILL, resolved once the process is gone. */
  kill(): Promise<void>;
  /** Starts the engine again on the same port (after `kill`), empty, and waits until it answers. */
  restart(): Promise<void>;
}

/** Sends `signal` to the child, or to its whole process group when it leads one (`detached: true`). */
export function signalChild(child: ChildProcess, signal: NodeJS.Signals, group: boolean): void {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (group) process.kill(-child.pid, signal);
    else child.kill(signal);
  } catch {
    // Already gone.
  }
}

/** SIGKILL (thawing first, so a stopped process group dies at once) and wait for the exit. */
export async function killChild(child: ChildProcess, group: boolean): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalChild(child, 'SIGKILL', group);
  signalChild(child, 'SIGCONT', group);
  await exited;
}
