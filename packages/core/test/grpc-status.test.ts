// The gRPC status table both gRPC engines (Spanner, Firestore) translate with (src/grpc-status.ts).
import { expect, test } from 'vitest';
import { errors, GRPC, grpcCode, grpcCommon, SpiError } from '../src/index.ts';

const grpc = (code: number) => Object.assign(new Error(`${code} X: detail`), { code });
const engine = { name: 'Cloud Example', roles: 'roles/example.user' };

test('codes are google.rpc.Code', () => {
  expect(GRPC.UNAVAILABLE).toBe(14);
  expect(GRPC.UNAUTHENTICATED).toBe(16);
  expect(grpcCode(grpc(5))).toBe(5);
  expect(grpcCode(new Error('no code'))).toBeUndefined();
  expect(grpcCode({ code: 'ENOTFOUND' })).toBeUndefined();
});

test.each([GRPC.UNAVAILABLE, GRPC.DEADLINE_EXCEEDED, GRPC.RESOURCE_EXHAUSTED, GRPC.ABORTED, GRPC.CANCELLED])(
  'transient code %i → SERVICE_UNAVAILABLE, retry shortly',
  (code) => {
    const spi = grpcCommon(grpc(code), engine) as SpiError;
    expect(spi).toBeInstanceOf(SpiError);
    expect(spi.code).toBe('SERVICE_UNAVAILABLE');
    expect(spi.message).toBe(
      "Cloud Example is not reachable right now; retry shortly. If this persists, check the database and the adaptor's service account.",
    );
  },
);

test.each([GRPC.PERMISSION_DENIED, GRPC.UNAUTHENTICATED])('credentials refused (%i) → the roles to grant', (code) => {
  const spi = grpcCommon(grpc(code), engine) as SpiError;
  expect(spi.code).toBe('SERVICE_UNAVAILABLE');
  expect(spi.message).toBe(
    "Cloud Example refused the adaptor's credentials; grant its service account roles/example.user.",
  );
});

test.each([GRPC.INVALID_ARGUMENT, GRPC.NOT_FOUND, GRPC.ALREADY_EXISTS, GRPC.FAILED_PRECONDITION])(
  'engine-specific code %i is left to the engine',
  (code) => {
    expect(grpcCommon(grpc(code), engine)).toBeUndefined();
  },
);

test('a database that does not exist is a setting to fix, said so', () => {
  expect(errors.databaseMissing('The Example database', 'create it').message).toBe(
    'The Example database does not exist: create it.',
  );
});
