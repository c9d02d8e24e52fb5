/**
 * Trace context of a request for its log lines: Cloud Logging links a line to
 * Cloud Trace by `logging.googleapis.com/trace` (projects/P/traces/ID),
 * `spanId` (16 hex digits) and `trace_sampled`. Read from W3C `traceparent`
 * ("00-TRACE-SPAN-FLAGS") or Google's `X-Cloud-Trace-Context`
 * ("TRACE/SPAN;o=1", the span in decimal), whichever is valid first.
 */

type Headers = Record<string, string | string[] | undefined>;

interface TraceContext {
  readonly traceId: string;
  readonly spanId: string | undefined;
  readonly sampled: boolean;
}

function parseTrace(headers: Headers): TraceContext | undefined {
  const traceparent = headers.traceparent;
  if (typeof traceparent === 'string') {
    const match = /^[\da-f]{2}-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/i.exec(traceparent.trim());
    if (match?.[1] && match[2] && match[3]) {
      return {
        traceId: match[1].toLowerCase(),
        spanId: match[2].toLowerCase(),
        sampled: (Number.parseInt(match[3], 16) & 1) === 1,
      };
    }
  }
  const cloud = headers['x-cloud-trace-context'];
  if (typeof cloud === 'string') {
    const match = /^([\da-f]{32})(?=\/|;|$)(?:\/(\d{1,20}))?(?:;o=(\d))?/i.exec(cloud.trim());
    if (match?.[1]) {
      const span = match[2] ? BigInt(match[2]) : 0n;
      return {
        traceId: match[1].toLowerCase(),
        spanId: span > 0n && span < 2n ** 64n ? span.toString(16).padStart(16, '0') : undefined,
        sampled: match[3] === '1',
      };
    }
  }
  return undefined;
}

/** Cloud Trace id as Cloud Logging's trace field wants it (with the project when known). */
export function traceOf(headers: Headers, projectId: string | undefined): string | undefined {
  const trace = parseTrace(headers);
  if (!trace) return undefined;
  return projectId ? `projects/${projectId}/traces/${trace.traceId}` : trace.traceId;
}

/** The trace fields of a log line; empty when the request carries no trace context. */
export function traceFields(headers: Headers, projectId: string | undefined): Record<string, unknown> {
  const trace = parseTrace(headers);
  if (!trace) return {};
  return {
    'logging.googleapis.com/trace': projectId ? `projects/${projectId}/traces/${trace.traceId}` : trace.traceId,
    ...(trace.spanId ? { 'logging.googleapis.com/spanId': trace.spanId } : {}),
    ...(trace.sampled ? { 'logging.googleapis.com/trace_sampled': true } : {}),
  };
}
