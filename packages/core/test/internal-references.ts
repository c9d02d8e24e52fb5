/**
 * What a user-facing text must never cite: section signs, the protocol
 * document's working name, design notes, issue numbers, notes outside the
 * repository. Spelled in pieces so this file is not itself read as such a
 * citation by infra/test/repo-docs.test.ts.
 */
export const INTERNAL_REFERENCE = new RegExp(
  [
    '§',
    ['spi', 'v3'].join('-'),
    ['DES', 'IGN'].join(''),
    '\\bissue\\s*#?\\d+',
    ['notes', ''].join('/'),
    '\\.\\./shared',
    ['toolchain', 'md'].join('\\.'),
  ].join('|'),
  'i',
);
