/**
 * Admission by request-body bytes in flight (build() in app.ts): every call's body is
 * decoded, verified and turned into items and database mutations, several times its size in
 * heap, so a few full-size bulk writes at once (Cloud Run sends up to 80 calls to an instance)
 * ran a 160 MB heap out of memory and killed the instance with every call on it. Calls whose
 * bodies fit the budget next to those in flight run; one that does not waits briefly for room
 * and is otherwise answered 503 SERVICE_UNAVAILABLE with Retry-After, nothing applied. A body
 * alone on the instance is always admitted, whatever its size (BODY_LIMIT_MB still applies).
 *
 * A body with a Content-Length is admitted before it is read, by that length. A chunked body
 * (no Content-Length) is counted as its bytes arrive: each chunk is admitted like a body of its
 * size (the call's own earlier chunks do not count against it: it is alone when no other call
 * holds bytes), and one without room holds the rest of the body back (TCP backpressure) for the
 * same brief wait, then the call is answered the same 503.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import { getHeapStatistics } from 'node:v8';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SpiError } from '../errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Gives the call's body bytes back to the budget (admission.ts); idempotent. */
    releaseBody: () => void;
  }
}

/** The budget when none is given: a quarter of V8's heap limit, and at least one body of the limit. */
export function defaultBodyBudget(
  bodyLimitBytes: number,
  heapLimitBytes = getHeapStatistics().heap_size_limit,
): number {
  return Math.max(bodyLimitBytes, Math.floor(heapLimitBytes / 4));
}

/** Seconds a refused caller is told to wait (Retry-After). */
export const BUSY_RETRY_AFTER_SECONDS = 2;

export function instanceBusy(budgetBytes: number): SpiError {
  return new SpiError(
    'SERVICE_UNAVAILABLE',
    `This instance is busy with other large writes (at most ${Math.round(budgetBytes / (1024 * 1024))} MB of request bodies are processed at once) and nothing of this call was applied: retry in a few seconds. If this keeps happening, send smaller bulk calls or let the service scale out (more instances, lower concurrency).`,
    null,
    { notApplied: true },
  );
}

interface Waiter {
  readonly bytes: number;
  /** Bytes the waiting call already holds (a chunked body under way). */
  readonly own: number;
  readonly admit: (admitted: boolean) => void;
  timer?: NodeJS.Timeout;
}

export class BodyBudget {
  private inFlight = 0;
  private readonly waiting: Waiter[] = [];

  // A plain field, not a parameter property: the core's sources also run under Node's type
  // stripping (test/server/start-order.test.ts), which refuses parameter properties.
  readonly limitBytes: number;

  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  get bytesInFlight(): number {
    return this.inFlight;
  }

  /**
   * Admits `bytes` now if they fit, without waiting; `own`: bytes the call already holds. A
   * new call does not overtake calls waiting for room; a chunked body under way (`own` > 0)
   * does, since holding it back would only keep its bytes in memory longer.
   */
  tryAcquire(bytes: number, own = 0): boolean {
    if ((own === 0 && this.waiting.length > 0) || !this.fits(bytes, own)) return false;
    this.inFlight += bytes;
    return true;
  }

  /** Resolves true once `bytes` are admitted (at once or within `waitMs`), false when refused. */
  acquire(bytes: number, waitMs: number, own = 0): Promise<boolean> {
    if (this.tryAcquire(bytes, own)) return Promise.resolve(true);
    if (waitMs <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = { bytes, own, admit: resolve };
      waiter.timer = setTimeout(() => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        resolve(false);
      }, waitMs);
      this.waiting.push(waiter);
    });
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    // First come, first admitted: a large waiter is not overtaken by smaller ones behind it.
    for (let next = this.waiting[0]; next && this.fits(next.bytes, next.own); next = this.waiting[0]) {
      this.waiting.shift();
      clearTimeout(next.timer);
      this.inFlight += next.bytes;
      next.admit(true);
    }
  }

  /** Room for `bytes` more, or the call (holding `own`) is alone on the instance. */
  private fits(bytes: number, own: number): boolean {
    return this.inFlight === own || this.inFlight + bytes <= this.limitBytes;
  }
}

export interface AdmissionOptions {
  /** BODY_LIMIT_MB in bytes: a Content-Length above it holds only this much (Fastify answers 413). */
  readonly bodyLimitBytes: number;
  /** Bytes of bodies in flight; default `defaultBodyBudget`. */
  readonly budgetBytes?: number;
  /** How long a call without room waits for it. */
  readonly waitMs: number;
  /** Told of each call refused, before its 503 (app.ts names the call in its log line). */
  readonly onRefused?: (request: FastifyRequest) => void;
}

/** Bytes a call holds, on its raw request; `RELEASED` once given back. */
const HELD = Symbol('admission.bytesHeld');
const RELEASED = -1;
type Holder = IncomingMessage & { [HELD]?: number };

function isChunked(request: FastifyRequest): boolean {
  return request.headers['content-length'] === undefined && request.headers['transfer-encoding'] !== undefined;
}

/**
 * Registers admission on `app`: POST bodies are admitted against the budget (file comment), and
 * their bytes go back when the answer is sent (`request.releaseBody`) or the connection closes.
 */
export function admitBodies(app: FastifyInstance, options: AdmissionOptions): BodyBudget {
  const { bodyLimitBytes, waitMs } = options;
  const budget = new BodyBudget(options.budgetBytes ?? defaultBodyBudget(bodyLimitBytes));

  const giveBack = (raw: Holder): void => {
    const held = raw[HELD];
    if (held === undefined || held === RELEASED) return;
    raw[HELD] = RELEASED;
    if (held > 0) budget.release(held);
  };
  // One function each for every call (no closure per call): the bytes are found on the request.
  function releaseBody(this: FastifyRequest): void {
    giveBack(this.raw);
  }
  function onClose(this: ServerResponse): void {
    giveBack(this.req);
  }
  app.decorateRequest('releaseBody', releaseBody);

  const hold = (request: FastifyRequest, reply: FastifyReply, bytes: number): void => {
    (request.raw as Holder)[HELD] = bytes;
    reply.raw.on('close', onClose);
  };
  const refuse = (request: FastifyRequest, reply: FastifyReply): SpiError => {
    options.onRefused?.(request);
    void reply.header('retry-after', String(BUSY_RETRY_AFTER_SECONDS));
    return instanceBusy(budget.limitBytes);
  };

  app.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'POST') return done();
    const length = Number(request.headers['content-length']);
    if (!(length > 0)) {
      // Counted as it arrives (preParsing below); held from now, so a close gives it back.
      if (isChunked(request)) hold(request, reply, 0);
      return done();
    }
    // Capped at the body limit: a longer body is refused 413 by Fastify anyway.
    const bytes = Math.min(length, bodyLimitBytes);
    if (budget.tryAcquire(bytes)) {
      hold(request, reply, bytes);
      return done();
    }
    // Held (nothing yet) while it waits, so a connection closed meanwhile is seen.
    hold(request, reply, 0);
    const raw = request.raw as Holder;
    budget.acquire(bytes, waitMs).then((admitted) => {
      if (!admitted) return done(refuse(request, reply));
      if (raw[HELD] === RELEASED) budget.release(bytes);
      else raw[HELD] = bytes;
      done();
    }, done);
  });

  app.addHook('preParsing', (request, reply, payload, done) => {
    if (request.method !== 'POST' || !isChunked(request)) return done(null, payload);
    done(
      null,
      countArriving(budget, request.raw as Holder, payload, waitMs, () => refuse(request, reply)),
    );
  });
  return budget;
}

/** `payload` as it passes through, each chunk admitted against `budget` before it is handed on. */
function countArriving(
  budget: BodyBudget,
  raw: Holder,
  payload: Readable,
  waitMs: number,
  refuse: () => SpiError,
): Transform {
  // One wait per call, however many chunks meet a full budget.
  let waitUntil: number | undefined;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const held = raw[HELD] ?? 0;
      if (held === RELEASED) return callback(null, chunk); // answered already: nothing to hold
      if (budget.tryAcquire(chunk.length, held)) {
        raw[HELD] = held + chunk.length;
        return callback(null, chunk);
      }
      waitUntil ??= Date.now() + waitMs;
      budget.acquire(chunk.length, waitUntil - Date.now(), held).then((admitted) => {
        if (!admitted) return callback(refuse());
        const now = raw[HELD] ?? 0;
        if (now === RELEASED) budget.release(chunk.length);
        else raw[HELD] = now + chunk.length;
        callback(null, chunk);
      }, callback);
    },
  });
  // A body cut off by the client ends the parse with its error, as without this stream.
  payload.once('error', (error) => counted.destroy(error));
  payload.pipe(counted);
  return counted;
}
