/** One emulator's state: DuckDB engine, catalog, jobs and streaming-insert dedupe ids. */
import { Catalog } from './catalog.ts';
import { Engine } from './engine.ts';
import { FaultStore } from './faults.ts';
import { JobStore } from './jobs.ts';

export interface EmulatorState {
  readonly engine: Engine;
  readonly catalog: Catalog;
  readonly jobs: JobStore;
  /** insertId → time seen, per table key (best-effort dedupe, as tabledata.insertAll documents). */
  readonly insertIds: Map<string, Map<string, number>>;
  /** Errors a test asked for (faults.ts); empty unless the admin route was used. */
  readonly faults: FaultStore;
}

export async function createState(): Promise<EmulatorState> {
  return {
    engine: await Engine.create(),
    catalog: new Catalog(),
    jobs: new JobStore(),
    insertIds: new Map(),
    faults: new FaultStore(),
  };
}
