/**
 * BIGNUMERIC: 76.76 digits of precision, 38 of them after the point
 * (GoogleSQL data types, "Decimal types"). DuckDB's DECIMAL stops at 38
 * digits, so the emulator stores a BIGNUMERIC as DuckDB's arbitrary-precision
 * integer BIGNUM holding the value × 10^38. Nothing else in the emulator is
 * ever a BIGNUM, so the DuckDB type alone marks a BIGNUMERIC value: the
 * result schema, the REST encoding and the CAST macros read it that way.
 * Sums, MIN/MAX, ORDER BY, = and < of two scaled values are the scaled
 * results, hence exact.
 */

const SCALE = 38;
const ONE = 10n ** BigInt(SCALE);
/** The range of BIGNUMERIC, scaled: ±5.7896044618658097711785492504343953926634992332820282019728792003956564819967E+38 (−2^255 … 2^255−1 after scaling). */
const MAX = 2n ** 255n - 1n;
const MIN = -(2n ** 255n);

const DECIMAL_TEXT = /^([+-])?(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

export function inBigNumericRange(scaled: bigint): boolean {
  return scaled >= MIN && scaled <= MAX;
}

/** Rounds digits/10^drop half away from zero (GoogleSQL's rounding for NUMERIC/BIGNUMERIC). */
function roundAway(value: bigint, drop: number): bigint {
  if (drop <= 0) return value * 10n ** BigInt(-drop);
  const div = 10n ** BigInt(drop);
  const negative = value < 0n;
  const abs = negative ? -value : value;
  let q = abs / div;
  if ((abs % div) * 2n >= div) q += 1n;
  return negative ? -q : q;
}

/**
 * Decimal text (`-1.5`, `1e40`, ` 12 `) → the value × 10^scale, rounded half
 * away from zero past `scale` digits; undefined when it is not a number or
 * falls outside [min, max].
 */
export function parseScaled(text: string, scale = SCALE, max = MAX, min = MIN): bigint | undefined {
  const m = DECIMAL_TEXT.exec(text.trim());
  if (!m) return undefined;
  const whole = m[2] ?? '';
  const fraction = m[3] ?? '';
  if (whole === '' && fraction === '') return undefined;
  const exponent = m[4] === undefined ? 0 : Number(m[4]);
  if (!Number.isSafeInteger(exponent) || Math.abs(exponent) > 10_000) return undefined;
  const digits = BigInt(`${whole}${fraction}` || '0');
  // value = digits × 10^(exponent − fraction.length); scaled = value × 10^scale.
  const shift = exponent - fraction.length + scale;
  let scaled = shift >= 0 ? digits * 10n ** BigInt(shift) : roundAway(digits, -shift);
  if (m[1] === '-') scaled = -scaled;
  if (scaled > max || scaled < min) return undefined;
  return scaled;
}

export function parseBigNumeric(text: string): bigint | undefined {
  return parseScaled(text);
}

/** value × 10^scale → decimal text without trailing zeros (`1.5`, `-0.001`, `12`). */
export function scaledText(scaled: bigint, scale = SCALE): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function bigNumericText(scaled: bigint): string {
  return scaledText(scaled);
}

/** The exact binary value of a finite double, rounded to 38 decimal places (CAST(FLOAT64 AS BIGNUMERIC)). */
export function bigNumericOfDouble(d: number): bigint | undefined {
  if (!Number.isFinite(d)) return undefined;
  if (d === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, d);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const exp = Number((bits >> 52n) & 0x7ffn);
  const frac = bits & ((1n << 52n) - 1n);
  const mantissa = exp === 0 ? frac : frac | (1n << 52n);
  const e2 = (exp === 0 ? 1 : exp) - 1075;
  // |d| = mantissa × 2^e2; × 10^38, rounded half away from zero.
  let scaled: bigint;
  if (e2 >= 0) scaled = mantissa * (1n << BigInt(e2)) * ONE;
  else {
    const num = mantissa * ONE;
    const den = 1n << BigInt(-e2);
    scaled = num / den;
    if ((num % den) * 2n >= den) scaled += 1n;
  }
  if (negative) scaled = -scaled;
  return inBigNumericRange(scaled) ? scaled : undefined;
}

/** A scaled BIGNUMERIC rounded to `scale` places (half away from zero), still as an integer. */
export function rescale(scaled: bigint, scale: number): bigint {
  return roundAway(scaled, SCALE - scale);
}
