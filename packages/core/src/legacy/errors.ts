/**
 * Legacy error bodies: a status and `{ "message": "…" }` (legacy/README.md
 * "Errors"). Statuses come from the one catalogue (errors.ts) so a failure has
 * the same status in both protocols; the two legacy-only situations (bad
 * secret, unsupported operation) have their own.
 */
import { type ErrorObject, SpiError } from '../errors.ts';

export class LegacyError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'LegacyError';
    this.status = status;
  }
}

/**
 * The answer to a missing or wrong secret: the reference adaptor's words, then
 * the setting to check. The same for both, and it never hints at the key.
 */
export const NOT_AUTHORIZED =
  "You are not authorized: the request's secret key is not one of this adaptor's LEGACY_SECRET_KEYS. Set the connection's secretKey in Wix to one of them.";

export function notAuthorized(): LegacyError {
  return new LegacyError(401, NOT_AUTHORIZED);
}

/** 405, as the reference answers an operation the database cannot do. */
export function unsupportedOperation(what: string, hint: string): LegacyError {
  return new LegacyError(405, `${what} is not supported by this database: ${hint}`);
}

/** A v3 per-item error object (adaptor results) as the error it stands for. */
export function fromErrorObject(error: ErrorObject): SpiError {
  return new SpiError(error.errorCode, error.errorMessage, error.data);
}

export function legacyStatusOf(error: LegacyError | SpiError): number {
  return error.status;
}
