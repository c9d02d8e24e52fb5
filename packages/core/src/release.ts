/**
 * Letting go of a database answer once it has been converted (the rows of a result
 * once they are items), so that what holds the answer does not keep it alive.
 *
 * Why: a call waits on its database far longer than V8's young generation lives
 * (under the bench's 50 connections ~300 ms, against a scavenge every ~200 ms), so
 * the objects created when the call started (the promise of every async function
 * on the way down, the client library's call objects and their listeners) are
 * promoted to the old generation by the time the answer arrives. Each of them
 * then points at the answer (a promise at the value it resolved with, a listener's
 * closure at the message it received), and a scavenge keeps alive whatever an
 * old object points at, dead or not, until the next full collection. So every
 * answer was copied, promoted and collected by a full (mark-compact) collection:
 * on Spanner's 50-item query the collector then cost about as much as the rest of
 * the client path (packages/bench/RESULTS.md, twelfth round). Emptying the converted
 * rows leaves those holders pointing at an empty array, and the rows die young.
 *
 * Only for arrays the caller owns and will not read again: the answer a client
 * library handed over, or rows this package made for one call.
 */
export function releaseRows(rows: readonly unknown[] | undefined): void {
  // Typed readonly for the callers' result types; the array itself is a plain one the caller owns.
  if (rows) (rows as unknown[]).length = 0;
}
