// @adaptors/core — the storage-neutral SPI v3 core. See README.md.
export * from './model.ts';
export * from './errors.ts';
export type * from './storage.ts';
export * from './capabilities.ts';
export * from './query/ast.ts';
export type { ParseContext } from './query/parse-context.ts';
export { parseFilter } from './query/parse-filter.ts';
export { parseSort } from './query/parse-sort.ts';
export { parseProjection } from './query/parse-projection.ts';
export { parseAggregation } from './query/parse-aggregation.ts';
export {
  compareItems,
  compareValues,
  countMatching,
  isAfter,
  keysetOf,
  matches,
  project,
  runAggregate,
  runDistinct,
  runQuery,
  valueAt,
} from './query/evaluate.ts';
export { decodeCursor, encodeCursor } from './query/cursor.ts';
export * from './wire/dates.ts';
export { decodeItem, encodeItem, encodeValue } from './wire/codec.ts';
export { ENDPOINTS, type EndpointName, type RequestOf, validateRequest } from './wire/validate.ts';
export { loadPublicKeys, type VerificationKey } from './auth/keys.ts';
export { parseMetadata, type RequestMetadata } from './auth/metadata.ts';
export { createVerifier, type VerifiedCall, type VerifierOptions } from './auth/verify.ts';
export { type AccessKind, type AccessPolicy, checkAccess, parseAccessPolicy } from './auth/policy.ts';
export { type Adaptor, type AdaptorOptions, createAdaptor } from './adaptor/adaptor.ts';
export { type CallContext, newCallContext } from './adaptor/context.ts';
export { type BuildOptions, build } from './server/app.ts';
export { createLogger, type Logger, type LogSink, type Severity, silentLogger, traceOf } from './server/log.ts';
export { type ServeOptions, serve } from './server/serve.ts';
