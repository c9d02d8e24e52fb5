// @adaptors/bigquery-emulator — a local BigQuery v2 REST API on DuckDB. See README.md.

export { BigQueryError } from './errors.ts';
export { addFault, getFault, removeFault } from './fault-client.ts';
export {
  FAULT_ERRORS,
  FAULT_MATCHES,
  type FaultError,
  type FaultMatch,
  type FaultRecord,
  type FaultSpec,
} from './faults.ts';
export type { FieldSchema } from './schema.ts';
export { createEmulatorApp, type EmulatorOptions, type RunningEmulator, startBigQueryEmulator } from './server.ts';
export { createState, type EmulatorState } from './state.ts';
