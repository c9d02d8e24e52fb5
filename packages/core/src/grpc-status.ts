/**
 * gRPC status codes (google.rpc.Code, https://grpc.github.io/grpc/core/md_doc_statuscode.html)
 * as the Google gRPC clients (Spanner, Firestore) report them in `error.code`,
 * and the part of their translation every gRPC engine shares: a database out
 * of reach or busy, and credentials it refuses. Each engine's error boundary
 * (its errors module) starts from `grpcCommon` and adds its own cases.
 */
import { errors, type SpiError } from './errors.ts';
import { isMissingCredentials } from './no-credentials.ts';

export const GRPC = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** The status code of a gRPC client error; undefined for anything else. */
export function grpcCode(error: unknown): number | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'number' ? code : undefined;
}

/** Out of reach, overloaded, contended or cut short: the same call may succeed shortly. */
export function isTransientGrpc(error: unknown): boolean {
  const code = grpcCode(error);
  return (
    code === GRPC.UNAVAILABLE ||
    code === GRPC.DEADLINE_EXCEEDED ||
    code === GRPC.RESOURCE_EXHAUSTED ||
    code === GRPC.ABORTED ||
    code === GRPC.CANCELLED
  );
}

/**
 * The SPI error for what every gRPC engine answers alike, or undefined:
 * transient codes → SERVICE_UNAVAILABLE "not reachable right now"; refused
 * credentials → SERVICE_UNAVAILABLE naming the roles to grant; none at all → SERVICE_UNAVAILABLE
 * saying how to give the adaptor some (no-credentials.ts).
 */
export function grpcCommon(
  error: unknown,
  engine: { readonly name: string; readonly roles: string },
): SpiError | undefined {
  // No credentials at all: a plain Error from google-auth-library, with no status code.
  if (isMissingCredentials(error)) return errors.noCredentials(engine.name, engine.roles);
  const code = grpcCode(error);
  if (code === GRPC.PERMISSION_DENIED || code === GRPC.UNAUTHENTICATED)
    return errors.accessDenied(engine.name, engine.roles);
  if (isTransientGrpc(error)) return errors.unavailable(engine.name);
  return undefined;
}
