#!/usr/bin/env node
// The installed `bigquery-emulator` command (a committed file, so the bin link exists before the build).
await import('../dist/bin.js');
