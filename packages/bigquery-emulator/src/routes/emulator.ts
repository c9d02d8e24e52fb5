/**
 * Emulator-only admin routes under `/emulator/v1` — never part of the
 * BigQuery API surface (`/bigquery/v2`). Faults (faults.ts):
 *
 * - `POST /emulator/v1/faults` `{ match, times, error, datasetId?, projectId? }` → 200 the fault
 *   with its id and counters;
 * - `GET /emulator/v1/faults` → `{ faults: [...] }`; `GET /emulator/v1/faults/{id}` → one fault;
 * - `DELETE /emulator/v1/faults[/{id}]` → 204 (all faults, or one).
 */
import type { FastifyInstance } from 'fastify';
import { notFound } from '../errors.ts';
import { type FaultRecord, parseFaultSpec } from '../faults.ts';
import type { EmulatorState } from '../state.ts';
import type { Params } from './common.ts';

function faultJson(f: FaultRecord): FaultRecord {
  return { ...f };
}

export function emulatorRoutes(app: FastifyInstance, state: EmulatorState): void {
  const { faults } = state;

  app.post('/faults', async (req) => faultJson(faults.add(parseFaultSpec(req.body))));

  app.get('/faults', async () => ({ faults: faults.list().map(faultJson) }));

  app.get<{ Params: Params }>('/faults/:id', async (req) => {
    const fault = faults.get(req.params.id ?? '');
    if (!fault) throw notFound(`Not found: fault ${req.params.id}`);
    return faultJson(fault);
  });

  app.delete('/faults', async (_req, reply) => {
    faults.clear();
    return reply.code(204).send();
  });

  app.delete<{ Params: Params }>('/faults/:id', async (req, reply) => {
    if (!faults.remove(req.params.id ?? '')) throw notFound(`Not found: fault ${req.params.id}`);
    return reply.code(204).send();
  });
}
