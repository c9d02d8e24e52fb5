// @adaptors/core — the storage-neutral SPI v3 core. See README.md.

export { type Adaptor, type AdaptorOptions, createAdaptor } from './adaptor/adaptor.ts';
export { type CallContext, newCallContext } from './adaptor/context.ts';
export { reservedReferenceProblems } from './adaptor/fields.ts';
export { fingerprintOf, loadPublicKeys, parsePublicKeys, type VerificationKey } from './auth/keys.ts';
export { parseMetadata, type RequestMetadata } from './auth/metadata.ts';
export { type AccessKind, type AccessPolicy, checkAccess, parseAccessPolicy } from './auth/policy.ts';
export { createVerifier, type VerifiedCall, type VerifierOptions } from './auth/verify.ts';
export * from './capabilities.ts';
export { fieldsChangedMeanwhile, refuseRemovingUnseenFields } from './concurrent-change.ts';
export { coreSettings, LOG_LEVELS } from './config/core-settings.ts';
export {
  type ConfigReport,
  type ConfigReportEntry,
  checkConfig,
  configReport,
  describeSettings,
  markdownTable,
} from './config/describe.ts';
export { type ConfigProblem, type LoadOptions, type LoadResult, loadConfig } from './config/load.ts';
export { boolean, decimal, integer, list, oneOf, text } from './config/parsers.ts';
export { detectProject } from './config/project.ts';
export { type SchemaSettingsWording, schemaSettings } from './config/schema-settings.ts';
export {
  isSecretReference,
  parseSecretReference,
  secretManagerResolver,
  withoutMetadataWarnings,
} from './config/secrets.ts';
export {
  type CombinedProblem,
  type ConfigCheck,
  type ConfigOf,
  combinedProblems,
  defineSettings,
  type SettingSpec,
  type SettingSpecs,
  setting,
  withChecks,
} from './config/settings.ts';
export {
  currentDeadline,
  DEFAULT_REQUEST_DEADLINE_MS,
  type Deadline,
  type Effect,
  newDeadline,
  remainingMs,
  runWithDeadline,
} from './deadline.ts';
export * from './errors.ts';
export { GRPC, grpcCode, grpcCommon, isTransientGrpc } from './grpc-status.ts';
export { KeyedLock } from './keyed-lock.ts';
export { filterFormat, legacyFilterToWire } from './legacy/filter.ts';
export { LEGACY_PATHS } from './legacy/handlers.ts';
export { LEGACY_ROLES, type LegacyRole } from './legacy/request-context.ts';
export { LEGACY_OFF_MESSAGE, type LegacyOptions, V3_TOKEN_ON_LEGACY_PATH } from './legacy/routes.ts';
export { toLegacySchema } from './legacy/schema.ts';
export { parseLegacySecrets } from './legacy/secret.ts';
export * from './model.ts';
export { isMissingCredentials } from './no-credentials.ts';
export * from './query/ast.ts';
export { decodeCursor, encodeCursor } from './query/cursor.ts';
export {
  canonicalKey,
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
export { parseAggregation } from './query/parse-aggregation.ts';
export type { ParseContext } from './query/parse-context.ts';
export { parseFilter } from './query/parse-filter.ts';
export { parseProjection } from './query/parse-projection.ts';
export { parseSort } from './query/parse-sort.ts';
export { FINAL_SIGMA, foldCase, SIGMA, urlizedPattern } from './query/patterns.ts';
export { type ReadWriteVerdict, readWriteRule, type SystemColumnTypes } from './read-write-rule.ts';
export { releaseRows } from './release.ts';
export { MISS_REREAD_GAP_MS, newSchemaToken, RereadThrottle, SchemaVersionGate } from './schema-version.ts';
export {
  runSelfTest,
  type SelfTestAnswer,
  type SelfTestCall,
  type SelfTestReport,
  type SelfTestStep,
  selfTestCollectionId,
} from './self-test.ts';
export { REPORTED_ERROR_EVENT } from './server/gcp-format.ts';
export {
  createLogger,
  type Logger,
  type LoggerOptions,
  type LogSink,
  type Severity,
  silentLogger,
} from './server/log.ts';
export { openApiDocument, RESPONSE_KEYS, renderOpenApi, requestSchemaName } from './server/openapi.ts';
export { type CoreConfig, deriveCursorSecret, runService, type ServiceDefinition } from './server/start.ts';
export { type ServiceInfo, type ServiceStatus, StatusRecorder } from './server/status.ts';
export { traceFields, traceOf } from './server/trace.ts';
export { packageVersion } from './server/version.ts';
export type * from './storage.ts';
export { decodeItem, encodeItem, encodeValue } from './wire/codec.ts';
export * from './wire/dates.ts';
export { STRING_FIELD_TYPES } from './wire/field-values.ts';
export { ENDPOINTS, type EndpointName, type RequestOf, validateRequest } from './wire/validate.ts';
