/**
 * Fault controls shared by the emulator launchers: freeze an engine (SIGSTOP:
 * its sockets stay open and calls hang, like a stalled backend), thaw it,
 * kill it mid-load (SIGKILL: no clean shutdown), and start it again on the
 * same port (its in-memory state is gone, as after a crash). Fault tests
 * (services/<db>/test/faults.test.ts) drive the real engines with them.
 */
import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface FaultControls {
  /**
   * SIGSTOP, resolved once every thread of the engine is stopped (stopChild): a call sent
   * after it meets a frozen engine. Connections stay open.
   */
  pause(): Promise<void>;
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

/** Pids of the child, or of every process in its group (`group`: a launcher script and the JVM it starts). */
function processesOf(pid: number, group: boolean): number[] {
  if (!group) return [pid];
  const out: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(`/proc/${entry}/stat`);
    // Field 5 of /proc/<pid>/stat (index 2 after the state) is the process group.
    if (fields && Number(fields[2]) === pid) out.push(Number(entry));
  }
  return out;
}

/** The fields after `(comm)` of a stat file (state first), or undefined when the process is gone. */
function statFields(path: string): string[] | undefined {
  try {
    const text = readFileSync(path, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** Whether every thread of these processes is stopped (or gone). */
function allStopped(pids: readonly number[]): boolean {
  for (const pid of pids) {
    let tasks: string[];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // Gone.
    }
    for (const task of tasks) {
      const state = statFields(`/proc/${pid}/task/${task}/stat`)?.[0];
      if (state !== undefined && !'TtZX'.includes(state)) return false;
    }
  }
  return true;
}

/**
 * SIGSTOP, then waits until every thread of the child (or of its group) is stopped. The
 * signal is delivered asynchronously: without the wait, a call sent at once could still be
 * answered by a thread not yet stopped. Where /proc is missing (not Linux), the signal alone.
 */
export async function stopChild(child: ChildProcess, group: boolean, timeoutMs = 5000): Promise<void> {
  signalChild(child, 'SIGSTOP', group);
  const pid = child.pid;
  if (pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  try {
    readdirSync(`/proc/${pid}`);
  } catch {
    return;
  }
  const deadline = Date.now() + timeoutMs;
  while (!allStopped(processesOf(pid, group))) {
    if (Date.now() > deadline) throw new Error(`engine pid ${pid} still running ${timeoutMs} ms after SIGSTOP`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Socket inodes listening on `port` (IPv4 and IPv6), from /proc/net/tcp*. */
function listeningInodes(port: number): Set<string> {
  const out = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEXIP:HEXPORT; state 0A is LISTEN; column 10 is the inode.
      if (cols[1]?.endsWith(`:${hexPort}`) && cols[3] === '0A' && cols[9]) out.add(cols[9]);
    }
  }
  return out;
}

/**
 * Whether the socket listening on `port` belongs to the child (or its group). A port taken
 * by another process between choosing it and the engine binding it would otherwise pass for
 * the engine being up, and faults sent to the child would not reach what answers. Undefined
 * where /proc cannot tell (not Linux, or no listener found).
 */
export function listensOn(child: ChildProcess, port: number, group: boolean): boolean | undefined {
  const pid = child.pid;
  if (pid === undefined) return false;
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return undefined;
  for (const p of processesOf(pid, group)) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${p}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${p}/fd/${fd}`));
        if (match?.[1] && inodes.has(match[1])) return true;
      } catch {
        // Closed meanwhile.
      }
    }
  }
  return false;
}
