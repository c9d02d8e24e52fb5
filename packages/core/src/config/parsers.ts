/**
 * Reusable `parse` functions for settings. Their error messages say what is
 * expected and never repeat the value: the loader adds the value itself, and
 * only for non-secret settings.
 */

export function integer(options: { min: number; max: number }): (value: string) => number {
  return (value) => {
    const n = /^[+-]?\d+$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < options.min || n > options.max) {
      throw new Error(`must be a whole number from ${options.min} to ${options.max}`);
    }
    return n;
  };
}

export function decimal(options: { min: number; max: number }): (value: string) => number {
  return (value) => {
    const n = /^[+-]?(\d+\.?\d*|\.\d+)$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isFinite(n) || n < options.min || n > options.max) {
      throw new Error(`must be a number from ${options.min} to ${options.max}`);
    }
    return n;
  };
}

export function text(options: { minLength?: number } = {}): (value: string) => string {
  const minLength = options.minLength ?? 1;
  return (value) => {
    if (value.length < minLength) throw new Error(`must be at least ${minLength} characters long`);
    return value;
  };
}

/** Comma-separated list; blanks dropped; at least one item. */
export function list(): (value: string) => readonly string[] {
  return (value) => {
    const items = value
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
    if (items.length === 0) throw new Error('must be a comma-separated list with at least one item');
    return items;
  };
}

/** Case-insensitive choice; returns the canonical spelling. */
export function oneOf<const V extends string>(values: readonly V[]): (value: string) => V {
  return (value) => {
    const found = values.find((v) => v.toLowerCase() === value.toLowerCase());
    if (found === undefined) throw new Error(`must be one of ${values.join(', ')}`);
    return found;
  };
}

export function boolean(): (value: string) => boolean {
  return (value) => {
    const v = value.toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(v)) return true;
    if (['false', '0', 'no', 'off'].includes(v)) return false;
    throw new Error('must be true or false');
  };
}
