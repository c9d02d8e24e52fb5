/**
 * What one call carries through the adaptor library besides its request: who
 * called (Wix metadata), and what the log line should say about it. Handlers
 * fill `info`; they never put item data there.
 */
import type { RequestMetadata } from '../auth/metadata.ts';

export interface CallInfo {
  collectionId?: string;
  itemCount?: number;
}

export interface CallContext {
  readonly requestId: string;
  readonly metadata: RequestMetadata;
  readonly info: CallInfo;
}

export function newCallContext(requestId: string, metadata: RequestMetadata): CallContext {
  return { requestId, metadata, info: {} };
}
