/**
 * Edits the bundle makes to dependencies (scripts/bundle-edits.mjs): each edited module,
 * built from the installed file, answers exactly what the original does: the fast paths
 * (FAST_PATHS) over their whole input range, the lazy loads (DEFERRALS) on the call that
 * needs the deferred module.
 */
import { readFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { DEFERRALS, FAST_PATHS } from '../../scripts/bundle-edits.mjs';
import { repoRoot, serviceDir } from './support/services.ts';

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

/** A CommonJS file of a dependency, compiled in its own place with `edit` applied (the edit applies once). */
function loadEdited(file: string, edit: Edit): Record<string, unknown> {
  const source = readFileSync(file, 'utf8');
  expect(source.split(edit.find).length - 1, `${edit.file}: the edit applies once`).toBe(1);
  const internals = Module as unknown as { _nodeModulePaths(from: string): string[] };
  const module = new Module(file) as Module & { _compile(code: string, filename: string): void };
  module.filename = file;
  module.paths = internals._nodeModulePaths(dirname(file));
  module._compile(
    source.replace(edit.find, () => edit.replace),
    file,
  );
  return module.exports as Record<string, unknown>;
}

describe("@google-cloud/common's response merge without a deep copy", () => {
  const bigquery = createRequire(join(serviceDir('bigquery'), 'package.json')).resolve('@google-cloud/bigquery');
  const file = join(dirname(createRequire(bigquery).resolve('@google-cloud/common')), 'util.js');
  const edit = (FAST_PATHS as Edit[]).find((e) => e.file === '/@google-cloud/common/build/src/util.js') as Edit;
  type HandleResp = (err: unknown, resp: unknown, body: unknown, callback: (...answer: unknown[]) => void) => void;
  const handler = (utils: Record<string, unknown>) => {
    const util = utils.util as { handleResp: HandleResp };
    return (err: unknown, resp: unknown, body: unknown) => {
      let answer: unknown[] = [];
      util.handleResp.call(util, err, resp, body, (...args: unknown[]) => {
        answer = args;
      });
      return answer;
    };
  };
  /** What a caller can see of an answer: errors by class, message, code and response; values by content. */
  const seen = (answer: unknown[]) =>
    answer.map((part) =>
      part instanceof Error
        ? { error: part.constructor.name, message: part.message, ...(part as unknown as Record<string, unknown>) }
        : part,
    );

  it('gives the callback the same error, body and response as the deep merge, for every kind of answer', () => {
    const edited = handler(loadEdited(file, edit));
    const original = handler(createRequire(file)(file) as Record<string, unknown>);
    const rows = { kind: 'bigquery#queryResponse', rows: [{ f: [{ v: '1' }, { v: null }, { v: [{ v: 'a' }] }] }] };
    const response = (statusCode: number, body: unknown) => ({
      statusCode,
      statusMessage: statusCode === 200 ? 'OK' : 'Bad Request',
      headers: { 'content-type': 'application/json' },
      body,
    });
    const cases: [unknown, () => unknown, () => unknown][] = [
      [null, () => response(200, structuredClone(rows)), () => structuredClone(rows)],
      [null, () => response(200, JSON.stringify(rows)), () => JSON.stringify(rows)],
      [null, () => response(200, 'not json'), () => 'not json'],
      [null, () => response(204, ''), () => ''],
      [null, () => response(400, { error: { message: 'bad' } }), () => ({ error: { message: 'bad' } })],
      [null, () => response(502, '<html>Bad Gateway</html>'), () => '<html>Bad Gateway</html>'],
      [new Error('socket hang up'), () => undefined, () => undefined],
      [null, () => undefined, () => structuredClone(rows)],
    ];
    for (const [err, resp, body] of cases) {
      const a = edited(err, resp(), body());
      const b = original(err, resp(), body());
      expect(seen(a)).toEqual(seen(b));
    }
  });

  it('applies to the installed file once', () => {
    expect(readFileSync(file, 'utf8').split(edit.find).length - 1).toBe(1);
  });
});

const deferral = (suffix: string) => (DEFERRALS as Edit[]).find((e) => e.file === suffix) as Edit;

describe('lazy loads', () => {
  it("Fastify's plugin version check loads semver on first use and judges as before", () => {
    const fastify = createRequire(join(repoRoot, 'packages', 'core', 'package.json')).resolve('fastify');
    const file = join(dirname(fastify), 'lib', 'plugin-utils.js');
    const edited = loadEdited(file, deferral('/fastify/lib/plugin-utils.js'));
    const original = createRequire(file)(file) as Record<string, unknown>;
    const plugin = (range: string) =>
      Object.assign(() => {}, { [Symbol.for('plugin-meta')]: { fastify: range, name: `needs ${range}` } });
    for (const utils of [edited, original]) {
      const register = utils.registerPlugin as (this: unknown, fn: unknown) => unknown;
      const instance = { version: '5.3.0', [utils.kRegisteredPlugins as symbol]: [] };
      expect(() => register.call(instance, plugin('5.x'))).not.toThrow();
      expect(() => register.call(instance, plugin('4.x'))).toThrow(/expected '4.x' fastify version/);
    }
  });

  it("@google-cloud/common decodes an HTML error body's entities on first use, as before", () => {
    const bigquery = createRequire(join(serviceDir('bigquery'), 'package.json')).resolve('@google-cloud/bigquery');
    const common = createRequire(bigquery).resolve('@google-cloud/common');
    const file = join(dirname(common), 'util.js');
    const edited = loadEdited(file, deferral('/@google-cloud/common/build/src/util.js'));
    const original = createRequire(file)(file) as Record<string, unknown>;
    const body = '&lt;h1&gt;Bad Gateway &amp; more&lt;/h1&gt;';
    const messages = [edited, original].map((utils) => {
      const ApiError = utils.ApiError as new (e: unknown) => Error;
      return new ApiError({ code: 502, response: { body } }).message;
    });
    expect(messages[0]).toBe('<h1>Bad Gateway & more</h1>');
    expect(messages[0]).toBe(messages[1]);
  });
});
