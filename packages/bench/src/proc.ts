/**
 * Reading a child process's CPU time and memory from /proc (Linux, which is
 * where Cloud Run and this project's machines run): server CPU per request and
 * RSS under load are measured on the server process, not the load generator.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/**
 * CPU time of a process (all its threads), in milliseconds. The scheduler's own count
 * (`/proc/<pid>/task/<tid>/schedstat`, nanoseconds on the CPU) where Linux gives it: the
 * user + system times of /proc/<pid>/stat move in 10 ms ticks, too coarse to tell a cold start
 * from another by a few milliseconds. Those ticks also count threads that have ended, which the
 * per-thread figures lose, so the larger of the two is taken (a thread that ended is seen then).
 */
export function cpuMs(pid: number): number {
  const ticks = tickCpuMs(pid);
  const precise = schedCpuMs(pid);
  return precise === undefined || ticks > precise + 1000 / TICKS_PER_SECOND ? ticks : precise;
}

/** User + system time from /proc/<pid>/stat, in milliseconds (10 ms resolution). */
function tickCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may contain spaces) start after ") ".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / TICKS_PER_SECOND;
}

/** The sum of the live threads' time on the CPU (schedstat's first field), in milliseconds; undefined without schedstat. */
function schedCpuMs(pid: number): number | undefined {
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  let ns = 0;
  for (const tid of tids) {
    let line: string;
    try {
      line = readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8');
    } catch (error) {
      // A thread that ended since the listing; any other failure means no schedstat here.
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' || (error as NodeJS.ErrnoException).code === 'ESRCH')
        continue;
      return undefined;
    }
    ns += Number(line.split(' ')[0]);
  }
  return Number.isFinite(ns) ? Math.round(ns / 1e4) / 100 : undefined;
}

/** Resident set size of a process, in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** Samples RSS every `everyMs` until stopped; returns the peak. */
export function sampleRss(pid: number, everyMs = 200): { stop(): number } {
  let peak = rssMb(pid);
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(pid));
    } catch {
      // The process ended; keep the last peak.
    }
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      return peak;
    },
  };
}
