/**
 * What a service hands the conformance suite: a running adaptor (a signed
 * client to it) and the capabilities its storage declares. Cases that use an
 * operator the storage does not declare expect the declared refusal instead
 * of an answer — nothing is skipped silently.
 */
import { randomUUID } from 'node:crypto';
import type { AccessPolicy, FieldType, QueryOperator, StorageCapabilities } from '@adaptors/core';
import { expect } from 'vitest';
import type { WixClient } from '../client.ts';

/** The calls the suites make: a `WixClient`, or a `LegacyClient` translating them. */
export type ConformanceClient = Pick<
  WixClient,
  | 'call'
  | 'query'
  | 'count'
  | 'aggregate'
  | 'distinct'
  | 'insert'
  | 'update'
  | 'remove'
  | 'truncate'
  | 'queryReferenced'
  | 'insertReferences'
  | 'removeReferences'
  | 'listCollections'
  | 'createCollection'
  | 'updateCollection'
  | 'deleteCollection'
  | 'capabilities'
  | 'listIndexes'
  | 'createIndex'
  | 'removeIndex'
>;

export interface ConformanceTarget {
  readonly client: ConformanceClient;
  readonly capabilities: StorageCapabilities;
  /**
   * Another front door on the same storage under an ACCESS_POLICY (Harness.withPolicy); the
   * access cases are skipped, saying so, without it.
   */
  readonly withPolicy?: (
    policy: AccessPolicy,
  ) => Promise<{ readonly client: ConformanceClient; close(): Promise<void> }>;
  /** The key the target signs its cursors with (Harness.cursorSecret), for the cursor-content cases. */
  readonly cursorSecret?: string;
  close(): Promise<void>;
}

export type StartTarget = () => Promise<ConformanceTarget>;

/** A fresh collection id per test group so suites can share one database. */
export function uniqueCollectionId(prefix: string): string {
  return `${prefix}_${randomUUID().slice(0, 8)}`;
}

const OPERATOR_CAPABILITY: Record<string, QueryOperator | 'MATCHES' | undefined> = {
  $eq: 'EQ',
  $ne: 'NE',
  $gt: 'GT',
  $gte: 'GTE',
  $lt: 'LT',
  $lte: 'LTE',
  $in: 'HAS_SOME',
  $hasSome: 'HAS_SOME',
  $hasAll: 'HAS_ALL',
  $contains: 'CONTAINS',
  $startsWith: 'STARTS_WITH',
  $endsWith: 'ENDS_WITH',
  $exists: 'EXISTS',
  $urlized: 'URLIZED',
  $matches: 'MATCHES',
};

/** Whether the storage declares every operator a wire filter uses on these fields. */
export function supportsFilter(
  filter: unknown,
  fields: readonly { key: string; type: FieldType }[],
  caps: StorageCapabilities,
): boolean {
  if (typeof filter !== 'object' || filter === null) return true;
  if (Array.isArray(filter)) return filter.every((f) => supportsFilter(f, fields, caps));
  for (const [key, value] of Object.entries(filter)) {
    if (key === '$and' || key === '$or' || key === '$not') {
      if (!supportsFilter(value, fields, caps)) return false;
      continue;
    }
    const isOperatorObject =
      typeof value === 'object' &&
      value !== null &&
      !Array.isArray(value) &&
      Object.keys(value).some((k) => k.startsWith('$') && k !== '$date');
    const ops = isOperatorObject ? Object.keys(value as object) : ['$eq'];
    const top = key.split('.')[0];
    const field = fields.find((f) => f.key === top);
    const nested = key.includes('.');
    const declared = nested
      ? caps.nestedQueryOperators
      : field
        ? caps.fieldCapabilities({ key: field.key, type: field.type }).queryOperators
        : [];
    for (const op of ops) {
      const capability = OPERATOR_CAPABILITY[op];
      if (capability === 'MATCHES') {
        if (!caps.supportsMatches || !declared.includes('CONTAINS')) return false;
      } else if (!capability || !declared.includes(capability)) return false;
    }
  }
  return true;
}

/** A declared refusal: 400 with a VALIDATION_ERROR or BAD_REQUEST body. */
export function expectRefused(result: { status: number; body: { errorCode?: string } }): void {
  expect(result.status).toBe(400);
  expect(['VALIDATION_ERROR', 'BAD_REQUEST']).toContain(result.body.errorCode);
}

export function idsOf(items: readonly { _id: string }[]): string[] {
  return items.map((item) => item._id);
}

/** Null and missing are the same to Wix (docs/semantics.md §4): compare without null-valued keys. */
export function withoutNulls(item: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(item).filter(([, value]) => value !== null && value !== undefined));
}
