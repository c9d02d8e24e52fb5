/**
 * Typed calls to a running emulator's fault route (routes/emulator.ts) for
 * tests in other packages: `await addFault(emulator.url, { match: 'DML', times: 2, error: 'concurrentUpdate' })`.
 */
import type { FaultRecord, FaultSpec } from './faults.ts';

async function call(url: string, method: string, body?: unknown): Promise<unknown> {
  const response = await fetch(url, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`${method} ${url}: HTTP ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

/** Registers a fault; the answer carries its id and counters (all 0). */
export async function addFault(baseUrl: string, spec: FaultSpec): Promise<FaultRecord> {
  return (await call(`${baseUrl}/emulator/v1/faults`, 'POST', spec)) as FaultRecord;
}

/** A fault's current counters (`matched`, `injected`). */
export async function getFault(baseUrl: string, id: string): Promise<FaultRecord> {
  return (await call(`${baseUrl}/emulator/v1/faults/${encodeURIComponent(id)}`, 'GET')) as FaultRecord;
}

export async function removeFault(baseUrl: string, id: string): Promise<void> {
  await call(`${baseUrl}/emulator/v1/faults/${encodeURIComponent(id)}`, 'DELETE');
}
