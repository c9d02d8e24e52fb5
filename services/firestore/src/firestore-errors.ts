/**
 * Firestore errors → SPI errors at the storage boundary (docs/design.md §3: one
 * catalogue). Messages tell the site owner what to do; the raw client error
 * (which may carry project paths) goes to the log only through the core's
 * 500 handler when nothing here recognises it.
 */
import { errors, SpiError } from '@adaptors/core';

/** gRPC status codes the client reports in `error.code` (google.rpc.Code). */
export const GRPC = {
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  UNAVAILABLE: 14,
  UNAUTHENTICATED: 16,
} as const;

export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

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
  switch (grpcCode(error)) {
    case GRPC.UNAVAILABLE:
    case GRPC.DEADLINE_EXCEEDED:
    case GRPC.RESOURCE_EXHAUSTED:
    case GRPC.ABORTED:
      return errors.unavailable('Firestore');
    case GRPC.PERMISSION_DENIED:
    case GRPC.UNAUTHENTICATED:
      return new SpiError(
        'SERVICE_UNAVAILABLE',
        "Firestore refused the adaptor's credentials: grant the Cloud Run service account roles/datastore.user on the project, and check FIRESTORE_PROJECT / FIRESTORE_DATABASE.",
        null,
      );
    case GRPC.NOT_FOUND:
      if (/database/i.test(messageOf(error))) {
        return new SpiError(
          'SERVICE_UNAVAILABLE',
          'The Firestore database does not exist: create it (Native mode) or fix FIRESTORE_DATABASE / FIRESTORE_PROJECT.',
          null,
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
