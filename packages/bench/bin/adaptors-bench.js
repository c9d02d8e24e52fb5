#!/usr/bin/env node
// The installed `adaptors-bench` command (a committed file, so the bin link exists before the build).
await import('../dist/cli.js');
