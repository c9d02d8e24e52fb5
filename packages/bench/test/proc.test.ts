import { describe, expect, it } from 'vitest';
import { cpuMs, rssMb } from '../src/proc.ts';

describe('proc', () => {
  it('reads this process’s CPU time to the millisecond, as the process itself counts it', () => {
    const before = cpuMs(process.pid);
    const own = process.cpuUsage();
    // Busy for ~60 ms: more than the 10 ms ticks of /proc/<pid>/stat would show as a step.
    const until = performance.now() + 60;
    let spin = 0;
    while (performance.now() < until) spin++;
    const used = process.cpuUsage(own);
    const after = cpuMs(process.pid);
    expect(spin).toBeGreaterThan(0);
    const ownMs = (used.user + used.system) / 1000;
    // Other threads (the collector, vitest's workers' I/O) may add a little; never less.
    expect(after - before).toBeGreaterThanOrEqual(ownMs - 2);
    expect(after - before).toBeLessThan(ownMs + 40);
  });

  it('reads the resident set size in MB', () => {
    const mb = rssMb(process.pid);
    expect(mb).toBeGreaterThan(10);
    expect(mb).toBeLessThan(process.memoryUsage().rss / 1048576 + 50);
  });
});
