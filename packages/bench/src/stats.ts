/** The middle value (the upper one of an even count): what every figure of the bench reports per series. */
export function median(values: readonly number[], empty: number = Number.NaN): number {
  if (values.length === 0) return empty;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}
