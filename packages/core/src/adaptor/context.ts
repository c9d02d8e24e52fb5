/**
 * What one call carries through the adaptor library besides its request: who
 * called (Wix metadata), and what the log line should say about it. Handlers
 * fill `info`; they never put item data there.
 */
import type { RequestMetadata } from '../auth/metadata.ts';
import { DEFAULT_REQUEST_DEADLINE_MS, type Deadline, newDeadline } from '../deadline.ts';

export interface CallInfo {
  collectionId?: string;
  itemCount?: number;
  /** Set when a write ran out of time or met an unavailable database: the log says its outcome is unknown (deadline.ts). */
  writeOutcome?: 'UNKNOWN';
}

export interface CallContext {
  readonly requestId: string;
  readonly metadata: RequestMetadata;
  readonly info: CallInfo;
  /** The call's budget (REQUEST_DEADLINE_MS), started when the call arrived. */
  readonly deadline: Deadline;
  /**
   * An insert keeps the `_createdDate` / `_updatedDate` an item gives instead of stamping the
   * server time (adaptor/items-write.ts). Set only by legacy inserts (legacy/handlers.ts
   * `legacyInsert`); v3 inserts ignore client values (docs/semantics.md §7.3).
   */
  readonly keepGivenDates?: boolean;
}

export function newCallContext(
  requestId: string,
  metadata: RequestMetadata,
  deadline: Deadline = newDeadline(DEFAULT_REQUEST_DEADLINE_MS),
): CallContext {
  return { requestId, metadata, info: {}, deadline };
}
