/**
 * The exact fast paths the bundle puts into dependencies (scripts/bundle-edits.mjs,
 * FAST_PATHS): each edited module, built from the installed file, answers exactly
 * what the original does.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { FAST_PATHS } from '../../scripts/bundle-edits.mjs';
import { serviceDir } from './support/services.ts';

interface Edit {
  readonly file: string;
  readonly find: string;
  readonly replace: string;
}

interface LongValue {
  toString(radix?: number): string;
}
interface LongModule {
  fromBits(low: number, high: number, unsigned?: boolean): LongValue;
  fromString(text: string, unsigned?: boolean): LongValue;
}

/** long.js as @grpc/proto-loader resolves it from the Firestore service (the CommonJS build). */
function longFile(): string {
  const fromService = createRequire(join(serviceDir('firestore'), 'package.json'));
  const loader = createRequire(fromService.resolve('@grpc/proto-loader'));
  return loader.resolve('long');
}

/** Evaluates a CommonJS module's text on its own (long.js requires nothing). */
function loadModule(code: string): LongModule {
  const module = { exports: {} as Record<string, unknown> };
  new Function('module', 'exports', 'require', code)(module, module.exports, () => {
    throw new Error('long.js requires nothing');
  });
  return (module.exports.default ?? module.exports) as LongModule;
}

describe('long.js toString fast path', () => {
  const edit = (FAST_PATHS as Edit[]).find((e) => e.file === '/long/umd/index.js');
  const file = longFile();
  const source = readFileSync(file, 'utf8');

  it('is the file the bundle edits, and applies once', () => {
    expect(edit).toBeDefined();
    expect(
      file
        .split('\\')
        .join('/')
        .endsWith(edit?.file ?? ''),
    ).toBe(true);
    expect(source.split(edit?.find ?? '').length - 1).toBe(1);
  });

  it('prints every value exactly as the original: both sides of ±2^53, the extremes, unsigned, other radixes', () => {
    const original = loadModule(source);
    const edited = loadModule(source.replace(edit?.find ?? '', () => edit?.replace ?? ''));
    const highs = [0, 1, -1, 0x1fffff, 0x200000, -0x200000, -0x200001, 0x7fffffff, -0x80000000, 12345, -98765];
    const lows = [0, 1, -1, 0x7fffffff, -0x80000000, 1_000_000, 123_456_789];
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) | 0;
      return seed;
    };
    for (let i = 0; i < 2000; i++) {
      // Half of them near ±2^53 (a small high word), where the fast path ends.
      highs.push(i % 2 ? random() >> 10 : random());
      lows.push(random());
    }
    for (const unsigned of [false, true]) {
      for (let i = 0; i < highs.length; i++) {
        for (const low of i < 11 ? lows : [lows[i % lows.length] as number]) {
          const high = highs[i] as number;
          for (const radix of [undefined, 10, 16, 2]) {
            expect(edited.fromBits(low, high, unsigned).toString(radix)).toBe(
              original.fromBits(low, high, unsigned).toString(radix),
            );
          }
        }
      }
    }
    for (const text of ['9007199254740991', '-9007199254740992', '9007199254740993', '-9223372036854775808']) {
      expect(edited.fromString(text).toString()).toBe(text);
    }
  });
});
