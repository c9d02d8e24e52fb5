#!/usr/bin/env node
/** `bigquery-emulator [--port 9050] [--host 127.0.0.1] [--log] [--version]`: a standalone emulator for local development. */
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { startBigQueryEmulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '9050' },
    host: { type: 'string', default: '127.0.0.1' },
    log: { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
    version: { type: 'boolean', default: false },
  },
});

if (values.version) {
  const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
  process.stdout.write(`bigquery-emulator ${version}\n`);
  process.exit(0);
}

if (values.help) {
  process.stdout.write('Usage: bigquery-emulator [--port 9050] [--host 127.0.0.1] [--log] [--version]\n');
  process.exit(0);
}

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`Invalid --port ${values.port}\n`);
  process.exit(2);
}

const emulator = await startBigQueryEmulator({ port, host: values.host, log: values.log });
process.stdout.write(
  [
    `BigQuery emulator listening on ${emulator.url}`,
    '',
    'Use it from @google-cloud/bigquery with either:',
    `  new BigQuery({ projectId: 'my-project', apiEndpoint: '${emulator.url}' })`,
    `  BIGQUERY_EMULATOR_HOST=${emulator.url}   (the client uses it as the base URL)`,
    '',
  ].join('\n'),
);

const shutdown = () => {
  void emulator.stop().then(() => process.exit(0));
};
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
