/**
 * Preloaded into a soak target (`node --expose-gc --import …/gc-probe.js`): on
 * SIGUSR2 it runs a full GC and writes `GC-PROBE {memoryUsage}` to stderr, so
 * the soak can tell retained memory (heapUsed after a full GC) from what V8
 * merely keeps reserved (RSS).
 */
process.on('SIGUSR2', () => {
  (globalThis as { gc?: () => void }).gc?.();
  const usage = process.memoryUsage();
  process.stderr.write(`GC-PROBE ${JSON.stringify(usage)}\n`);
});
