/**
 * The conformance data set: one collection with a field of every kind the
 * semantics spec distinguishes, and eight items chosen to hit its edge cases —
 * null vs missing, "" / 0 / false, case and Unicode, regex and LIKE
 * metacharacters, arrays, nested objects, instants with and without ms.
 */

export const ZOO_FIELDS = [
  { key: 'title', type: 'TEXT' },
  { key: 'count', type: 'NUMBER' },
  { key: 'active', type: 'BOOLEAN' },
  { key: 'day', type: 'DATE' },
  { key: 'at', type: 'DATETIME' },
  { key: 'time', type: 'TIME' },
  { key: 'link', type: 'URL' },
  { key: 'pic', type: 'IMAGE' },
  { key: 'html', type: 'RICH_TEXT' },
  { key: 'obj', type: 'OBJECT' },
  { key: 'arr', type: 'ARRAY' },
  { key: 'tags', type: 'ARRAY_STRING' },
  { key: 'ref', type: 'REFERENCE' },
  { key: 'any', type: 'ANY' },
] as const;

export type ZooId = 'a' | 'b' | 'c' | 'd' | 'e' | 'f' | 'g' | 'h';

export const ZOO_ITEMS: readonly Record<string, unknown>[] = [
  {
    _id: 'a',
    title: 'Alpha',
    count: 1,
    active: true,
    day: '2024-01-01',
    at: { $date: '2024-01-01T00:00:00Z' },
    time: '08:00',
    link: 'https://a.example/x',
    pic: 'wix:image://v1/a.jpg',
    html: '<p>Alpha</p>',
    obj: { city: 'Paris', n: 1 },
    arr: [1, 'one'],
    tags: ['red', 'green'],
    ref: 'b',
    any: 'text',
  },
  {
    _id: 'b',
    title: 'alpha beta',
    count: 2.5,
    active: false,
    day: '2024-02-29',
    at: { $date: '2024-02-29T12:30:00.500Z' },
    time: '12:30:15',
    obj: { city: 'Berlin', n: 2 },
    tags: ['green'],
    ref: 'a',
    any: 7,
  },
  { _id: 'c', title: 'Épée ÜBER', count: -3, active: true, tags: ['blue', 'red', 'green'], obj: { city: 'paris' } },
  { _id: 'd', title: '', count: 0, active: false, tags: [] },
  {
    _id: 'e',
    title: null,
    count: null,
    active: null,
    day: null,
    at: null,
    time: null,
    obj: null,
    tags: null,
    ref: null,
  },
  { _id: 'f' },
  { _id: 'g', title: 'Zebra 50%_x', count: 100, tags: ['RED'], at: { $date: '2024-02-29T12:30:00.000Z' } },
  { _id: 'h', title: 'c++ (plus)', count: 1_000_000, at: { $date: '2030-12-31T23:59:59.999Z' } },
];

export const ALL_IDS: readonly ZooId[] = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
