/**
 * Firestore errors → SPI errors at the storage boundary (docs/design.md §3: one
 * catalogue). Messages tell the site owner what to do; the raw client error
 * (which may carry project paths) goes to the log only through the core's
 * 500 handler when nothing here recognises it.
 */
import { errors, GRPC, grpcCode, grpcCommon, SpiError } from '@adaptors/core';

/** The gRPC status table is core's (packages/core/src/grpc-status.ts), shared with Spanner. */
export { GRPC, grpcCode };

const FIRESTORE = {
  name: 'Firestore',
  roles: 'roles/datastore.user on the project (and check FIRESTORE_PROJECT / FIRESTORE_DATABASE)',
};

function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}

/** The console link Firestore puts in "The query requires an index" errors. */
export function indexLinkOf(error: unknown): string | undefined {
  return /https:\/\/console\.firebase\.google\.com\/\S+/.exec(messageOf(error))?.[0];
}

export function isIndexRequired(error: unknown): boolean {
  return grpcCode(error) === GRPC.FAILED_PRECONDITION && /requires an? (composite )?index/i.test(messageOf(error));
}

/** Translates what the client throws; SpiErrors pass through, unknown errors are rethrown for the core's 500. */
export function translateError(error: unknown, context: { collectionId?: string } = {}): unknown {
  if (error instanceof SpiError) return error;
  const common = grpcCommon(error, FIRESTORE);
  if (common) return common;
  switch (grpcCode(error)) {
    case GRPC.NOT_FOUND:
      if (/database/i.test(messageOf(error))) {
        return errors.databaseMissing(
          'The Firestore database',
          'create it (Native mode) or fix FIRESTORE_DATABASE / FIRESTORE_PROJECT',
        );
      }
      return context.collectionId ? errors.collectionNotFound(context.collectionId) : error;
    case GRPC.INVALID_ARGUMENT:
      return errors.badRequest(
        `Firestore refused the request: ${messageOf(error).replace(/^\d+ INVALID_ARGUMENT: /, '')}`,
      );
    default:
      return error;
  }
}

/** Runs `work`, translating Firestore errors at the boundary. */
export async function guarded<T>(work: () => Promise<T>, context: { collectionId?: string } = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateError(error, context);
  }
}
