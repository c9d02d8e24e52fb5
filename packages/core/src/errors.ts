/**
 * The one error catalogue (docs/protocol.md §12): every SPI error code with its
 * HTTP status, and the single error type the core renders. Storages and core
 * throw `SpiError`; nothing else reaches a response body.
 */

export const ERROR_STATUS = {
  ITEM_NOT_FOUND: 404,
  ITEM_ALREADY_EXISTS: 409,
  COLLECTION_NOT_FOUND: 404,
  COLLECTION_ALREADY_EXISTS: 409,
  COLLECTION_CHANGE_NOT_SUPPORTED: 400,
  REFERENCE_NOT_FOUND: 404,
  REFERENCE_ALREADY_EXISTS: 409,
  VALIDATION_ERROR: 400,
  BAD_REQUEST: 400,
  // Not in Wix's list; used only for these two situations (§12.1).
  UNAUTHORIZED: 401,
  UNKNOWN_ERROR: 500,
  // Transient: the database is unreachable or overloaded; Wix may retry.
  SERVICE_UNAVAILABLE: 503,
  // The call's budget (REQUEST_DEADLINE_MS, deadline.ts) ran out before the database answered.
  DEADLINE_EXCEEDED: 504,
  // Refused by the optional access policy (auth/policy.ts).
  PERMISSION_DENIED: 403,
  // Route or path unknown.
  NOT_FOUND: 404,
  // Body over the configured limit.
  PAYLOAD_TOO_LARGE: 413,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

export interface Violation {
  readonly fieldPath: string;
  /** Always a string on the wire (§12.1), at most 1000 characters. */
  readonly rejectedValue: string;
  readonly message: string;
}

/** The per-item / top-level error object of §3.6. */
export interface ErrorObject {
  readonly errorCode: ErrorCode;
  readonly errorMessage: string;
  readonly data: Record<string, unknown> | null;
}

export class SpiError extends Error {
  readonly code: ErrorCode;
  readonly data: Record<string, unknown> | null;
  /**
   * The database refused the request before doing anything (it does not exist, the credentials
   * or the quota do not allow it): a write that fails so was not applied, and is not answered as
   * "outcome unknown" although the status is 503 (adaptor/adaptor.ts).
   */
  readonly notApplied: boolean;

  constructor(
    code: ErrorCode,
    message: string,
    data: Record<string, unknown> | null = null,
    options: { readonly notApplied?: boolean } = {},
  ) {
    super(message);
    this.name = 'SpiError';
    this.code = code;
    this.data = data;
    this.notApplied = options.notApplied === true;
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }

  toObject(): ErrorObject {
    return { errorCode: this.code, errorMessage: this.message, data: this.data };
  }

  /** Top-level body: the §12.2 superset of Wix's documented shape and the SDK's `applicationError`. */
  toBody(): Record<string, unknown> {
    return {
      errorCode: this.code,
      errorMessage: this.message,
      data: this.data,
      applicationError: { code: this.code, description: this.message, data: this.data },
    };
  }
}

const MAX_REJECTED_VALUE = 1000;

/** Renders any value as the string `rejectedValue` the contract wants (§12.1). */
export function rejectedValueOf(value: unknown): string {
  let text: string;
  if (typeof value === 'string') text = value;
  else if (value === undefined) text = 'undefined';
  else {
    try {
      text = JSON.stringify(value) ?? String(value);
    } catch {
      text = String(value);
    }
  }
  return text.length > MAX_REJECTED_VALUE ? `${text.slice(0, MAX_REJECTED_VALUE - 1)}…` : text;
}

const FIX_VIOLATIONS = 'Correct the request at that field path and send it again.';
const FIX_UNAUTHORIZED = 'Only calls Wix signs for this adaptor are answered: check WIX_PUBLIC_KEYS and WIX_AUDIENCE.';

/**
 * Helpers so call sites read like the catalogue. Every message names the cause
 * and what to do about it (test/errors/messages.test.ts checks each helper).
 */
/** The fix errors.unsupported names unless its caller knows a better one. */
const UNSUPPORTED_FIX =
  "Change the request to what this database supports (capabilities/get and each field's queryOperators list it).";

export const errors = {
  validation(violations: readonly Violation[], message?: string): SpiError {
    const first = violations[0];
    const text =
      message ??
      (first
        ? `Invalid request: ${first.fieldPath ? `${first.fieldPath}: ` : ''}${first.message.replace(/\.$/, '')}${violations.length > 1 ? ` (and ${violations.length - 1} more)` : ''}. ${FIX_VIOLATIONS}`
        : 'Invalid request. Correct the request and send it again.');
    return new SpiError('VALIDATION_ERROR', text, { violations: violations.slice(0, 100) });
  },
  violation(fieldPath: string, rejected: unknown, message: string): SpiError {
    return errors.validation([{ fieldPath, rejectedValue: rejectedValueOf(rejected), message }]);
  },
  badRequest(message: string): SpiError {
    return new SpiError('BAD_REQUEST', message, null);
  },
  collectionNotFound(collectionId: string): SpiError {
    return new SpiError(
      'COLLECTION_NOT_FOUND',
      `No collection named '${collectionId}' exists in this database. Check the collection id, or create it first.`,
      { collectionId },
    );
  },
  collectionAlreadyExists(collectionId: string): SpiError {
    return new SpiError(
      'COLLECTION_ALREADY_EXISTS',
      `A collection named '${collectionId}' already exists. Choose another id, or change the existing one with collections/update.`,
      {
        collectionId,
      },
    );
  },
  collectionChangeNotSupported(
    collectionId: string,
    fieldErrors: readonly { fieldKey: string; message: string }[],
  ): SpiError {
    const first = fieldErrors[0];
    // A database's own message often ends with its full stop: the sentence adds its own.
    const reason = first ? `${first.fieldKey ? `${first.fieldKey}: ` : ''}${first.message.replace(/[.\s]+$/, '')}` : '';
    return new SpiError(
      'COLLECTION_CHANGE_NOT_SUPPORTED',
      `${collectionId}: ${reason || 'this change is not supported'}${fieldErrors.length > 1 ? ` (and ${fieldErrors.length - 1} more)` : ''}. Change the collection definition as described, or make this change in the database itself.`,
      { errors: fieldErrors.slice(0, 100) },
    );
  },
  itemNotFound(collectionId: string, itemId: string): SpiError {
    return new SpiError(
      'ITEM_NOT_FOUND',
      `${collectionId} has no item with _id ${itemId}. Check the _id (it may have been removed), or insert the item first.`,
      { itemId },
    );
  },
  itemAlreadyExists(collectionId: string, itemId: string): SpiError {
    return new SpiError(
      'ITEM_ALREADY_EXISTS',
      `${collectionId} already has an item with _id ${itemId}. Use items/update to change it, or insert it with another _id (or none, to get a new one).`,
      { itemId },
    );
  },
  referenceNotFound(fieldKey: string, referringItemId: string, referencedItemId: string): SpiError {
    return new SpiError(
      'REFERENCE_NOT_FOUND',
      `${fieldKey} does not link ${referringItemId} to ${referencedItemId}. Check both item ids and the field, or insert the reference first.`,
      {
        referringItemId,
        referencedItemId,
      },
    );
  },
  referenceAlreadyExists(fieldKey: string, referringItemId: string, referencedItemId: string): SpiError {
    return new SpiError(
      'REFERENCE_ALREADY_EXISTS',
      `${fieldKey} already links ${referringItemId} to ${referencedItemId}; nothing to add. Skip this reference, or remove it first to insert it again.`,
      { referringItemId, referencedItemId },
    );
  },
  /**
   * `hint` says why or what instead (call sites in googlesql give either); `fix` closes the
   * message with what to do, by default for what capabilities/get declares (operators, sorts).
   */
  unsupported(what: string, hint = '', fix = UNSUPPORTED_FIX): SpiError {
    const why = hint.replace(/\.$/, '');
    return new SpiError(
      'BAD_REQUEST',
      `${what} is not supported by this database${why ? `: ${why}` : ''}. ${fix}`,
      null,
    );
  },
  /**
   * `reason` says what was wrong with the token and, where the site owner can
   * act (keys, audience, clock), how to fix it (auth/verify.ts); the closing
   * sentence covers the rest: only Wix's signed calls are answered.
   */
  unauthorized(reason: string): SpiError {
    return new SpiError('UNAUTHORIZED', `Authorization failed: ${reason}. ${FIX_UNAUTHORIZED}`, {
      description: reason,
    });
  },
  /** `reason` names the rule that refused the call and the ACCESS_POLICY entry that would allow it (auth/policy.ts). */
  permissionDenied(reason: string): SpiError {
    return new SpiError('PERMISSION_DENIED', reason, null);
  },
  /** A path no route answers: usually a base URL in Wix with a path added to it. */
  routeNotFound(method: string, path: string): SpiError {
    return new SpiError(
      'NOT_FOUND',
      `No route ${method} ${path}: this adaptor answers POST /v3/items/…, /v3/collections/…, /v3/indexes/… and /v3/capabilities/get. Check that the URL configured in Wix is the adaptor's base URL, without a path.`,
      null,
    );
  },
  payloadTooLarge(): SpiError {
    return new SpiError(
      'PAYLOAD_TOO_LARGE',
      'The request body is larger than this adaptor accepts. Send fewer or smaller items per call, or raise BODY_LIMIT_MB.',
      null,
    );
  },
  /** The status page's self-test runs one at a time (server/app.ts): a second press waits its turn. */
  selfTestBusy(): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      'A self-test is already running on this instance. Wait for its report (a few seconds), then retry.',
      null,
    );
  },
  /**
   * A request the database cannot answer itself, which the adaptor would have to evaluate over
   * more documents than its bound (`setting`): refused before the scan, naming what Firestore
   * could not answer (`unanswered`), what would let it (`fix`) and, when a backfill would help,
   * `extra`. `found` is the candidates' count when it was read.
   */
  scanBoundExceeded(options: {
    readonly collectionId: string;
    readonly bound: number;
    readonly found?: number;
    readonly engine: string;
    readonly unanswered: string;
    readonly fix: string;
    readonly extra?: string;
    readonly data: Record<string, unknown>;
  }): SpiError {
    const { collectionId, bound, found } = options;
    const reads =
      found === undefined
        ? `more than ${bound} documents of '${collectionId}'`
        : `${found} documents of '${collectionId}', more than ${bound} documents`;
    return new SpiError(
      'BAD_REQUEST',
      `This request would read ${reads}: ${options.engine} cannot answer ${options.unanswered} itself, so the adaptor ` +
        `evaluates it on the documents ${options.engine} returns. ${options.fix}${options.extra ? ` ${options.extra}` : ''}`,
      { collectionId, scanLimit: bound, ...options.data, ...(found === undefined ? {} : { candidates: found }) },
    );
  },
  /**
   * A sum past the double range (docs/semantics.md §6.1): a NUMBER is a JSON double, so no answer
   * can hold it (JSON has no Infinity; it would be answered as null, a wrong "no number"). `op`
   * says which result could not be answered: the sum itself, or an average whose database computes
   * it through that sum. `fields` names the summed fields when known: an engine's own overflow
   * error does not say which SUM of a query overflowed, and the core names them (items-read.ts).
   */
  numberOutOfRange(op: 'sum' | 'average', fields: readonly string[]): SpiError {
    const names = fields.length > 0 ? fields.map((f) => `'${f}'`).join(' or ') : 'a field';
    const what =
      op === 'sum'
        ? `The sum of ${names} over the matching items is beyond the range of a NUMBER (±1.8e308)`
        : `The average of ${names} cannot be computed by this database: the sum of its values over the matching items is beyond the range of a NUMBER (±1.8e308)`;
    return new SpiError(
      'BAD_REQUEST',
      `${what}, so it cannot be answered. Use a narrower initialFilter so that fewer or smaller values are ${op === 'sum' ? 'summed' : 'averaged'}, or group the items (groupingFields) into smaller sums.`,
      { outOfRange: op, fields: [...fields] },
    );
  },
  /** Distinct values found one query per value, past `max` of them: the total cannot be answered. */
  tooManyDistinctValues(collectionId: string, field: string, max: number, scanned: number): SpiError {
    return new SpiError(
      'BAD_REQUEST',
      `'${field}' of '${collectionId}' has more than ${max} distinct values among more than ${scanned} documents: ` +
        `the adaptor visits each value with one database query, up to ${max}. Add a filter that narrows the ` +
        'documents, or read the distinct values a page at a time (limit) instead of asking for their total.',
      { collectionId, field, maxDistinctValues: max },
    );
  },
  /**
   * One item (or reference) of a bulk write that the database refused for a reason the
   * adaptor has no better entry for: the other items' answers stand, so it is answered in
   * that item's place. `detail` is the database's own words, when it gave any.
   */
  writeRefused(
    engine: string,
    what: string,
    detail: string | undefined,
    data: Record<string, unknown> | null = null,
  ): SpiError {
    return new SpiError(
      'UNKNOWN_ERROR',
      `${engine} could not write ${what}${detail ? `: ${detail}` : ''}. Retry the call; if it fails again, check the value against the collection's fields and look for the error in the service's logs.`,
      data,
    );
  },
  internal(requestId?: string): SpiError {
    return new SpiError(
      'UNKNOWN_ERROR',
      `The adaptor hit an unexpected error${requestId ? ` (request ${requestId})` : ''}. Retry the call; if it fails again, look for ${requestId ? 'this request id' : 'the error'} in the service's logs (Error Reporting groups them) and report it with the log line.`,
      requestId ? { requestId } : null,
    );
  },
  /** `what` names the database; `advice` replaces the default "if this persists" hint. */
  unavailable(what: string, advice = "check the database and the adaptor's service account"): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `${what} is not reachable right now; retry shortly. If this persists, ${advice}.`,
      null,
    );
  },
  /** The configured database (dataset, instance) does not exist: a setting to fix, not a transient state. */
  databaseMissing(what: string, fix: string): SpiError {
    return new SpiError('SERVICE_UNAVAILABLE', `${what} does not exist: ${fix}.`, null, { notApplied: true });
  },
  /** The database could not be reached at all (no answer, not an error it gave); `advice` says what to check. */
  unreachable(engine: string, advice: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `The adaptor cannot reach ${engine} (no answer from its API); retry shortly. If this persists, ${advice}.`,
      null,
    );
  },
  /** A longer-term quota or billing refusal: retrying soon will not help, `fix` will. */
  quotaExceeded(engine: string, detail: string, fix: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `${engine} refused the request for a quota or billing reason (${detail}); ${fix}.`,
      null,
      { notApplied: true },
    );
  },
  /** Still throttled after the adaptor's own retries with backoff; `advice` says how to write so it happens less. */
  throttled(engine: string, what: string, advice: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `${engine} is limiting ${what} right now and still refused after retries; retry shortly. If this keeps happening, ${advice}.`,
      null,
    );
  },
  /** A server-side failure that persisted through the adaptor's own retries. */
  transientFailure(engine: string, advice: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `${engine} had a transient server error and still failed after retries; retry shortly. If this persists, ${advice}.`,
      null,
    );
  },
  /**
   * The adaptor found no Google credentials to call the database with (no-credentials.ts):
   * retrying will not help, running it with a service account (or local credentials) will.
   */
  noCredentials(engine: string, roles: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `The adaptor has no usable Google credentials to call ${engine}. On Cloud Run, deploy the service with its own service account holding ${roles} (infra/ and the service's DEPLOY.md do) and leave GOOGLE_APPLICATION_CREDENTIALS unset; elsewhere, set GOOGLE_APPLICATION_CREDENTIALS to a readable service-account key file or run \`gcloud auth application-default login\`, or point the adaptor at an emulator.`,
      null,
      { notApplied: true },
    );
  },
  /** The database refused the adaptor's credentials: retrying will not help, granting `roles` will. */
  accessDenied(engine: string, roles: string): SpiError {
    return new SpiError(
      'SERVICE_UNAVAILABLE',
      `${engine} refused the adaptor's credentials; grant its service account ${roles}.`,
      null,
      { notApplied: true },
    );
  },
  /**
   * A write that failed because the database was unavailable: the failure may
   * have come after the database applied it (a dropped connection, a commit
   * whose answer was lost), so the answer keeps the reason and says the
   * outcome is unknown (`data.writeOutcome`), like `deadlineExceeded`.
   */
  writeOutcomeUnknown(cause: SpiError): SpiError {
    return new SpiError(
      cause.code,
      `${cause.message} It is unknown whether this change was applied: read the items (or collection) back before retrying it.`,
      { ...cause.data, writeOutcome: 'UNKNOWN' },
    );
  },
  /**
   * The call ran out of its REQUEST_DEADLINE_MS budget (deadline.ts). A read
   * changed nothing. A write may or may not have been applied — the database
   * can commit after the adaptor stopped waiting — so the answer says the
   * outcome is unknown (`data.writeOutcome`), never that it failed.
   */
  deadlineExceeded(budgetMs: number, effect: 'read' | 'write'): SpiError {
    const waited = `The database did not answer within ${budgetMs} ms (REQUEST_DEADLINE_MS)`;
    return effect === 'write'
      ? new SpiError(
          'DEADLINE_EXCEEDED',
          `${waited}, so it is unknown whether this change was applied: read the items (or collection) back before retrying it. If this persists, check the database's health and load.`,
          { deadlineMs: budgetMs, writeOutcome: 'UNKNOWN' },
        )
      : new SpiError(
          'DEADLINE_EXCEEDED',
          `${waited}; nothing was changed. Retry shortly; if this persists, check the database's health and load, or raise REQUEST_DEADLINE_MS.`,
          { deadlineMs: budgetMs },
        );
  },
} as const;
