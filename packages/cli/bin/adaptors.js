#!/usr/bin/env node
// The installed `adaptors` command. A committed file (not dist/), so installing
// the workspace before it is built creates the bin link without a warning.
const { run } = await import('../dist/cli.js');
process.exitCode = await run(process.argv.slice(2));
