/**
 * One BigQuery REST call through the client's `request` (its auth, endpoint,
 * user agent, project prefix and error model), with the body sent as JSON
 * text rather than the client's `json` option: the client rewrites every
 * `{{projectId}}` inside a `json` value to the project id
 * (@google-cloud/common `decorateRequest`), which changed item values, display
 * names and descriptions holding that text. It leaves `body` alone (and does
 * not deep-copy it).
 */
import type { BigQuery } from '@google-cloud/bigquery';

export interface RestCall {
  readonly method: string;
  /** Below `/projects/<project>`, e.g. `/queries`. */
  readonly uri: string;
  readonly json?: unknown;
  readonly qs?: Record<string, unknown>;
}

export function restCall<T>(bq: Pick<BigQuery, 'request'>, call: RestCall): Promise<T> {
  const { json, ...rest } = call;
  const sent =
    json === undefined
      ? rest
      : { ...rest, body: JSON.stringify(json), headers: { 'Content-Type': 'application/json' } };
  return new Promise<T>((resolve, reject) => {
    bq.request(sent, (error, body) => (error ? reject(error) : resolve(body as T)));
  });
}
