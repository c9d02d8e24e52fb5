/**
 * The fault controls' process checks (src/emulators/process-faults.ts) on real
 * child processes: `stopChild` returns only once every thread is stopped (a
 * Node process has several), for one process and for a process group, and
 * `listensOn` tells the child's own listening socket from another process's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, test } from 'vitest';
import { killChild, listensOn, signalChild, stopChild } from '../src/emulators/process-faults.ts';

const linux = (() => {
  try {
    readdirSync('/proc/self/task');
    return true;
  } catch {
    return false;
  }
})();

const children: { child: ChildProcess; group: boolean }[] = [];
afterEach(async () => {
  for (const { child, group } of children.splice(0)) await killChild(child, group);
});

function states(pid: number): string[] {
  return readdirSync(`/proc/${pid}/task`).map((task) => {
    const text = readFileSync(`/proc/${pid}/task/${task}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2)[0] as string;
  });
}

/** A Node child that prints a number (its port, 0 for none), leading its own process group with `group`. */
function start(code: string, options: { group?: boolean } = {}): Promise<{ child: ChildProcess; port: number }> {
  const group = options.group === true;
  const child = spawn(process.execPath, ['-e', code], { detached: group, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push({ child, group });
  return new Promise((resolve) => {
    child.stdout?.once('data', (chunk: Buffer) => resolve({ child, port: Number(chunk.toString().trim()) }));
  });
}

const IDLE = "setInterval(() => {}, 1000); console.log('0');";
const SERVER =
  "const s = require('node:net').createServer(); s.listen(0, '127.0.0.1', () => console.log(String(s.address().port)));";

describe.runIf(linux)('process checks', () => {
  test('stopChild returns once every thread of the process is stopped; SIGCONT resumes them', async () => {
    const { child } = await start(IDLE);
    const pid = child.pid as number;
    expect(states(pid).length).toBeGreaterThan(1);
    await stopChild(child, false);
    expect(states(pid).every((s) => s === 'T' || s === 't')).toBe(true);
    signalChild(child, 'SIGCONT', false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(states(pid).some((s) => s === 'T')).toBe(false);
  });

  test('with a group, the grandchild is stopped too', async () => {
    // The child prints its grandchild's pid once the grandchild runs.
    const { child, port: grandchild } = await start(
      `const c = require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(IDLE)}], { stdio: ['ignore', 'pipe', 'inherit'] });
       c.stdout.once('data', () => console.log(String(c.pid))); setInterval(() => {}, 1000);`,
      { group: true },
    );
    expect(grandchild).toBeGreaterThan(0);
    await stopChild(child, true);
    for (const pid of [child.pid as number, grandchild]) {
      expect(states(pid).every((s) => s === 'T' || s === 't')).toBe(true);
    }
    signalChild(child, 'SIGCONT', true);
  });

  test("listensOn: the child's own listener, not another process's", async () => {
    const server = await start(SERVER);
    const other = await start(IDLE);
    expect(listensOn(server.child, server.port, false)).toBe(true);
    expect(listensOn(other.child, server.port, false)).toBe(false);
  });
});
