/**
 * Hostile building blocks for the fuzz suite: strings, numbers, dates, ids,
 * keys and values chosen to break quoting, encoding, parsing and limits.
 *
 * A class of input with a known wrong answer that a pending fix will close is
 * kept here but only generated with `pending: true` (FUZZ_PENDING=1), marked
 * `// pending: <finding>` so it can be switched on once the fix lands. Today
 * nothing is held back (the classes held back before — lone surrogates,
 * `__proto__` and `$wixArray` keys, long collection ids, deep values, years 0
 * and 10000, offsets past 2^53, huge filters, the last second before 1970 on
 * Spanner — are generated in every run: SUITES.md).
 */
import fc from 'fast-check';

export interface HostileOptions {
  /** Also generate the classes of input with a known wrong answer (see the `pending:` notes). */
  readonly pending: boolean;
  /** Longest generated string (default 20,000 characters). */
  readonly maxString?: number;
  /** Most branches of a generated $and/$or (default 300). */
  readonly maxBranches?: number;
}

const INJECTION = [
  "'",
  '"',
  '\\',
  '`',
  "'; DROP TABLE items; --",
  '" OR "1"="1',
  "') OR 1=1 --",
  '%',
  '_',
  '%%',
  '.*',
  '[a-z]+',
  '(?i)a',
  '^$',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a literal template placeholder is the hostile input.
  '${x}',
  '{{x}}',
  '<script>alert(1)</script>',
  '@param',
  '@@version',
  'NULL',
  'null',
  'undefined',
  'NaN',
  'true',
  '0',
  '-0',
  '1e309',
];

const UNICODE = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\n\t\r',
  '\u007f',
  'é',
  'e\u0301',
  'ÅΩ',
  'İı',
  'ß',
  'Straße',
  '😀',
  '👨‍👩‍👧',
  '\u202eevil',
  '\ufeffbom',
  '\uffff',
  '中文',
];

// Refused by the core (packages/core/src/wire/limits.ts: strings must be well-formed UTF-16).
const LONE_SURROGATES = ['\ud800', 'a\udc00b', '\udfff\ud800'];

export function hostileString(options: HostileOptions): fc.Arbitrary<string> {
  const parts: fc.Arbitrary<string>[] = [
    fc.constantFrom(...INJECTION, ...UNICODE),
    fc.string({ maxLength: 12 }),
    fc.string({ unit: 'grapheme', maxLength: 8 }),
    fc.integer({ min: 1, max: options.maxString ?? 20_000 }).map((n) => 'x'.repeat(n)),
    fc.constantFrom(...LONE_SURROGATES),
    fc.string({ unit: 'binary', maxLength: 8 }),
  ];
  return fc.oneof(...parts);
}

export function hostileNumber(): fc.Arbitrary<number> {
  return fc.oneof(
    fc.constantFrom(
      0,
      -0,
      1,
      -1,
      0.1,
      1e308,
      -1e308,
      5e-324,
      2 ** 31,
      2 ** 53 - 1,
      2 ** 53 + 2,
      -(2 ** 53),
      1e21,
      123456789.12345679,
    ),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.integer(),
  );
}

const GOOD_DATES = [
  '2024-01-01T00:00:00.000Z',
  '1970-01-01T00:00:00.000Z',
  '0001-01-01T00:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  // The last second before 1970: Spanner's client reads it one second late unless the compiler
  // reads it as UNIX_MILLIS (docs/engines.md §2).
  '1969-12-31T23:59:59.999Z',
  '1969-12-31T23:59:59.000Z',
  '2024-02-29T12:00:00Z',
  '2024-01-01T00:00:00+05:30',
];
// Years 0 and 10000+ are refused by the core (packages/core/src/wire/limits.ts).
const BAD_DATES = [
  'garbage',
  '',
  '2024-02-30T00:00:00Z',
  '2024-13-01T00:00:00Z',
  '2024-01-01',
  '1e3',
  '0000-01-01T00:00:00.000Z',
  '+010000-01-01T00:00:00.000Z',
  '10000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
];
export function hostileDate(_options: HostileOptions): fc.Arbitrary<unknown> {
  const strings = [...GOOD_DATES, ...BAD_DATES];
  return fc.oneof(
    fc.constantFrom(...strings).map(($date) => ({ $date })),
    fc.constantFrom({ $date: 0 }, { $date: null }, { $date: {} }, { $date: '2024-01-01T00:00:00Z', x: 1 }),
  );
}

/** Object keys: what a field name, a nested path or an item key could be. */
export function hostileKey(): fc.Arbitrary<string> {
  const keys = [
    'a.b',
    'a..b',
    '.a',
    'a.',
    '$x',
    '$eq',
    '$and',
    '',
    ' ',
    'constructor',
    'prototype',
    'toString',
    'hasOwnProperty',
    '_id',
    '_owner',
    '__name__',
    '__key__',
    'a b',
    'a"b',
    "a'b",
    'a`b',
    'a/b',
    'a[0]',
    'é',
    '😀',
    'x'.repeat(300),
    // Refused by the core in item values (`__proto__`) and per item by Firestore (`$wixArray`, reserved).
    '__proto__',
    '$wixArray',
  ];
  return fc.oneof(fc.constantFrom(...keys), fc.string({ maxLength: 6 }));
}

export function hostileId(options: HostileOptions): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom('', ' ', '.', '..', '/', 'a/b', '../x', '__x__', '__key__', '#', '?', '%2F', '*', '\\', "'", '$'),
    hostileString(options).filter((s) => s.length <= 2000),
  );
}

export function hostileCollectionId(): fc.Arbitrary<string> {
  return fc.oneof(
    fc.constantFrom(
      '',
      ' ',
      'a.b',
      'a/b',
      '../x',
      'Items',
      'items;',
      '`x`',
      'x"y',
      'INFORMATION_SCHEMA',
      '__x__',
      'é',
      '😀',
    ),
    fc.string({ maxLength: 10 }),
    fc.integer({ min: 1, max: 100 }).map((n) => 'c'.repeat(n)),
    // Past each engine's id length: refused by the core (limits.ts) or the storage's id check.
    fc.integer({ min: 101, max: 5000 }).map((n) => 'c'.repeat(n)),
  );
}

/** Any JSON value, biased towards the hostile kinds. */
export function hostileValue(options: HostileOptions, depth = 3): fc.Arbitrary<unknown> {
  const leaf = fc.oneof(hostileString(options), hostileNumber(), fc.boolean(), fc.constant(null), hostileDate(options));
  if (depth <= 0) return leaf;
  return fc.oneof(
    { weight: 4, arbitrary: leaf },
    { weight: 1, arbitrary: fc.array(hostileValue(options, depth - 1), { maxLength: 4 }) },
    {
      weight: 1,
      arbitrary: fc.dictionary(hostileKey(), hostileValue(options, depth - 1), { maxKeys: 3 }),
    },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 4, max: 40 }).map((d) => nested(d)),
    },
  );
}

/** An object nested `depth` levels deep: past 20 levels the core refuses it (limits.ts `valueDepth`). */
function nested(depth: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { n: value };
  return value;
}
