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
 *
 * Whenever room appears (bytes given back, a waiter leaving), every waiter that now fits is
 * admitted, in the order BodyBudget.admitWaiting describes.
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
  /** Ends the wait: clears its timer and abort listener, then resolves. */
  readonly settle: (admitted: boolean) => void;
  timer?: NodeJS.Timeout;
  /** A later call was admitted past this one once (admitWaiting): it is not passed again. */
  passed: boolean;
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

  /** Calls (or chunks) waiting for room. */
  get waitingCount(): number {
    return this.waiting.length;
  }

  /**
   * Admits `bytes` now if they fit, without waiting; `own`: bytes the call already holds. A
   * new call does not overtake calls waiting for room (it joins the queue, which is read again
   * when room changes: admitWaiting); a chunked body under way (`own` > 0) does, since holding
   * it back would only keep its bytes in memory longer.
   */
  tryAcquire(bytes: number, own = 0): boolean {
    if ((own === 0 && this.waiting.length > 0) || !this.fits(bytes, own)) return false;
    this.inFlight += bytes;
    return true;
  }

  /**
   * Resolves true once `bytes` are admitted (at once or within `waitMs`), false when refused:
   * the wait ran out, or `signal` aborted (the client is gone). A waiter that leaves lets those
   * behind it be admitted at once if they fit.
   */
  acquire(bytes: number, waitMs: number, own = 0, signal?: AbortSignal): Promise<boolean> {
    if (this.tryAcquire(bytes, own)) return Promise.resolve(true);
    if (waitMs <= 0 || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const leave = (): void => this.leave(waiter);
      const waiter: Waiter = {
        bytes,
        own,
        passed: false,
        settle: (admitted) => {
          clearTimeout(waiter.timer);
          signal?.removeEventListener('abort', leave);
          resolve(admitted);
        },
      };
      waiter.timer = setTimeout(leave, waitMs);
      signal?.addEventListener('abort', leave);
      this.waiting.push(waiter);
    });
  }

  release(bytes: number): void {
    this.inFlight = Math.max(0, this.inFlight - bytes);
    this.admitWaiting();
  }

  /** A waiter refused (its wait ran out or its client is gone); those behind it may fit now. */
  private leave(waiter: Waiter): void {
    const index = this.waiting.indexOf(waiter);
    if (index < 0) return;
    this.waiting.splice(index, 1);
    waiter.settle(false);
    this.admitWaiting();
  }

  /**
   * Admits every waiter that fits now; run whenever room may have appeared (bytes released, a
   * waiter left). The order:
   * 1. Chunks of bodies already under way (`own` > 0), in arrival order: they hold budget
   *    already, and only finishing them gives it back.
   * 2. Then new calls, in arrival order, each that fits, past one that does not fit yet. A
   *    call passed over that way is passed over in one reading of the queue only: in later
   *    readings it stops the pass while it does not fit, so the room freed by the calls ahead of
   *    it finishing gathers for it (a large call is not starved by a stream of smaller ones;
   *    new calls never overtake waiters at arrival, tryAcquire). Chunks of bodies under way
   *    still pass it: each body is finite (BODY_LIMIT_MB) and no new body starts ahead of it.
   */
  private admitWaiting(): void {
    const waiting = this.waiting;
    if (waiting.length === 0) return;
    for (let i = 0; i < waiting.length; ) {
      const waiter = waiting[i] as Waiter;
      if (waiter.own > 0 && this.fits(waiter.bytes, waiter.own)) this.admit(i);
      else i += 1;
    }
    const passedOver: Waiter[] = [];
    for (let i = 0; i < waiting.length; ) {
      const waiter = waiting[i] as Waiter;
      if (waiter.own > 0) {
        i += 1;
      } else if (this.fits(waiter.bytes, 0)) {
        for (const passed of passedOver) passed.passed = true;
        passedOver.length = 0;
        this.admit(i);
      } else if (waiter.passed) {
        return;
      } else {
        passedOver.push(waiter);
        i += 1;
      }
    }
  }

  /** Admits the waiter at `index` in the queue. */
  private admit(index: number): void {
    const [waiter] = this.waiting.splice(index, 1) as [Waiter];
    this.inFlight += waiter.bytes;
    waiter.settle(true);
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

/**
 * Aborts once `response`'s connection closes (the client is gone), so a call waiting for room
 * leaves the queue then rather than when its wait runs out. Node sees the close only while it
 * reads the connection: not behind a large body held back unread, which leaves at its wait's
 * end as before. Made only for a call that waits.
 */
function closeSignal(response: ServerResponse): AbortSignal {
  const closed = new AbortController();
  response.once('close', () => closed.abort());
  return closed.signal;
}

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
    budget.acquire(bytes, waitMs, 0, closeSignal(reply.raw)).then((admitted) => {
      if (!admitted) return done(refuse(request, reply));
      holdAdmitted(budget, raw, bytes);
      done();
    }, done);
  });

  app.addHook('preParsing', (request, reply, payload, done) => {
    if (request.method !== 'POST' || !isChunked(request)) return done(null, payload);
    done(
      null,
      countArriving(budget, request.raw as Holder, reply.raw, payload, waitMs, () => refuse(request, reply)),
    );
  });
  return budget;
}

/**
 * `bytes` admitted after a wait: added to what the call holds, or given straight back when the
 * call was answered (or its connection closed) meanwhile, as nothing will release them then.
 */
function holdAdmitted(budget: BodyBudget, raw: Holder, bytes: number): void {
  const held = raw[HELD] ?? 0;
  if (held === RELEASED) budget.release(bytes);
  else raw[HELD] = held + bytes;
}

/** `payload` as it passes through, each chunk admitted against `budget` before it is handed on. */
function countArriving(
  budget: BodyBudget,
  raw: Holder,
  response: ServerResponse,
  payload: Readable,
  waitMs: number,
  refuse: () => SpiError,
): Transform {
  // One wait per call, however many chunks meet a full budget.
  let waitUntil: number | undefined;
  let closed: AbortSignal | undefined;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      const held = raw[HELD] ?? 0;
      if (held === RELEASED) return callback(null, chunk); // answered already: nothing to hold
      if (budget.tryAcquire(chunk.length, held)) {
        raw[HELD] = held + chunk.length;
        return callback(null, chunk);
      }
      waitUntil ??= Date.now() + waitMs;
      closed ??= closeSignal(response);
      budget.acquire(chunk.length, waitUntil - Date.now(), held, closed).then((admitted) => {
        if (!admitted) return callback(refuse());
        holdAdmitted(budget, raw, chunk.length);
        callback(null, chunk);
      }, callback);
    },
  });
  // A body cut off by the client ends the parse with its error, as without this stream.
  payload.once('error', (error) => counted.destroy(error));
  payload.pipe(counted);
  return counted;
}
