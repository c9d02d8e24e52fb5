/**
 * Write bookkeeping shared by the Spanner and BigQuery storages (no client
 * involved): both batch an insert/update/save call's items before writing.
 */

/**
 * Several writes of one _id in one call: the last one is what is stored
 * (and a BigQuery MERGE source must match each target row only once).
 */
export function lastPerId<T extends { readonly id: string }>(batch: readonly T[]): T[] {
  return [...new Map(batch.map((b) => [b.id, b])).values()];
}
