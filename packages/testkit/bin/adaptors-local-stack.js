#!/usr/bin/env node
// The installed `adaptors-local-stack` command (a committed file, so the bin link exists before the build).
await import('../dist/bin/local-stack.js');
