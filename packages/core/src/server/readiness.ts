/**
 * One readiness check for `/readyz` and the status page: the storage's
 * `ready()` under a deadline (deadline.ts). The reason given is the storage's
 * SpiError message (which the storage contract keeps free of secrets) or a
 * fixed sentence — never a raw client error, which may hold paths or request
 * details.
 */
import type { AbandonedWork } from '../abandoned-work.ts';
import { newDeadline, runWithDeadline } from '../deadline.ts';
import { SpiError } from '../errors.ts';
import type { Storage } from '../storage.ts';

export type Readiness =
  | { readonly ready: true }
  | { readonly ready: false; readonly reason: string; readonly error: unknown };

export async function checkReadiness(
  storage: Storage,
  patienceMs: number,
  abandoned?: AbandonedWork,
): Promise<Readiness> {
  const engine = storage.capabilities.engine;
  try {
    await runWithDeadline(newDeadline(patienceMs), 'read', () => storage.ready(), abandoned);
    return { ready: true };
  } catch (error) {
    const reason =
      error instanceof SpiError && error.code === 'DEADLINE_EXCEEDED'
        ? `The ${engine} database did not answer within ${patienceMs} ms.`
        : error instanceof SpiError
          ? error.message
          : `The ${engine} database check failed unexpectedly; the adaptor's log has the details.`;
    return { ready: false, reason, error };
  }
}
