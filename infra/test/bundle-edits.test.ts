/**
 * Edits the bundle makes to dependencies (scripts/bundle-edits.mjs): each edited module,
 * built from the installed file, answers exactly what the original does: the fast paths
 * (FAST_PATHS) over their whole input range, the lazy loads (DEFERRALS) on the call that
 * needs the deferred module.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { DEFERRALS, FAST_PATHS, SEPARATE_MODULES } from '../../scripts/bundle-edits.mjs';
// @ts-expect-error: a plain .mjs build script without type declarations.
import { writeSeparate } from '../../scripts/bundle-separate.mjs';
import { repoRoot, serviceDir } from './support/services.ts';

interface Edit {
  readonly file: string;
  readonly find: string;
  /** The new text, or a function of the edited file's path that gives it. */
  readonly replace: string | ((file: string) => string);
}

type RouterFactory = () => {
  on(method: string, path: string, handler: () => void): void;
  find(method: string, path: string): { params: Record<string, string> } | null;
};

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
    const edited = loadModule(source.replace(edit?.find ?? '', () => String(edit?.replace ?? '')));
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

/**
 * A CommonJS file of a dependency, compiled in its own place with `edits` applied (each applies
 * once). `separate` answers the path a module bundled apart is loaded from (`__bundleSeparate`,
 * which the bundle's banner defines; here a function declared at the file's end).
 */
function loadEdited(
  file: string,
  edits: Edit | readonly Edit[],
  separate: (name: string) => string = (name) => {
    throw new Error(`no separate file for ${name}`);
  },
): Record<string, unknown> {
  let source = readFileSync(file, 'utf8');
  for (const edit of Array.isArray(edits) ? edits : [edits]) {
    expect(source.split(edit.find).length - 1, `${edit.file}: the edit applies once`).toBe(1);
    const text = typeof edit.replace === 'function' ? edit.replace(file) : edit.replace;
    source = source.replace(edit.find, () => text);
  }
  const key = Symbol.for('bundle-edits.test separate');
  (globalThis as Record<symbol, unknown>)[key] = separate;
  source += `\nfunction __bundleSeparate(name) { return globalThis[Symbol.for('bundle-edits.test separate')](name); }\n`;
  const internals = Module as unknown as { _nodeModulePaths(from: string): string[] };
  const module = new Module(file) as Module & { _compile(code: string, filename: string): void };
  module.filename = file;
  module.paths = internals._nodeModulePaths(dirname(file));
  module._compile(source, file);
  return module.exports as Record<string, unknown>;
}

const editsOf = (suffix: string) => (DEFERRALS as Edit[]).filter((e) => e.file === suffix);

/**
 * The files the edits of `files` ([edit suffix, installed file]) load apart, each built as the
 * bundle builds it (SEPARATE_MODULES); `separate` answers a name's built file, as the bundle's
 * `__bundleSeparate` does, and records it in `loaded`.
 */
function separateFiles(files: readonly (readonly [string, string])[]) {
  const built = new Map<string, string>();
  const loaded: string[] = [];
  return {
    loaded,
    separate(name: string): string {
      loaded.push(name);
      const file = built.get(name);
      if (!file) throw new Error(`${name} was not built`);
      return file;
    },
    async build(): Promise<void> {
      const out = mkdtempSync(join(tmpdir(), 'separate-'));
      for (const [suffix, file] of files) {
        for (const edit of editsOf(suffix)) {
          const text = typeof edit.replace === 'function' ? edit.replace(file) : edit.replace;
          for (const [, name] of text.matchAll(/__bundleSeparate\("([^"]+)"\)/g)) {
            if (name === undefined || built.has(name)) continue;
            const target = join(out, `${name}.cjs`);
            await writeSeparate((SEPARATE_MODULES as Map<string, string>).get(name), target);
            built.set(name, target);
          }
        }
      }
    },
  };
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

describe('generated protobufjs modules, bundled apart and loaded on first access', () => {
  const fromFirestore = createRequire(join(serviceDir('firestore'), 'package.json'));
  const gaxIndex = fromFirestore.resolve('google-gax');
  const firestoreIndex = fromFirestore.resolve('@google-cloud/firestore');
  const firestoreFile = (name: string) => join(dirname(firestoreIndex), name);
  const { loaded, separate, build } = separateFiles([
    ['/google-gax/build/src/index.js', gaxIndex],
    ['/@google-cloud/firestore/build/src/serializer.js', firestoreFile('serializer.js')],
    ['/@google-cloud/firestore/build/src/bundle.js', firestoreFile('bundle.js')],
  ]);
  type Message = { encode(message: unknown): { finish(): Uint8Array } } & (new (fields: object) => unknown);

  // Built ahead; each test checks which of them its code loaded (none built fails it there).
  beforeAll(build, 120_000);

  it("google-gax's IAM, Locations and Operations messages: none loaded with gax, each the same messages on first use", () => {
    loaded.length = 0;
    const edited = loadEdited(gaxIndex, editsOf('/google-gax/build/src/index.js'), separate);
    expect(loaded).toEqual([]);
    const original = createRequire(gaxIndex)(gaxIndex) as Record<string, unknown>;
    const message = (gax: Record<string, unknown>, path: string) =>
      path.split('.').reduce((at: unknown, key) => (at as Record<string, unknown>)[key], gax) as Message;
    for (const path of [
      'operationsProtos.google.longrunning.GetOperationRequest',
      'IamProtos.google.iam.v1.GetIamPolicyRequest',
      'LocationProtos.google.cloud.location.GetLocationRequest',
    ]) {
      const fields = path.includes('Iam') ? { resource: 'projects/p/x' } : { name: 'operations/42' };
      const [a, b] = [message(edited, path), message(original, path)];
      expect(Buffer.from(a.encode(new a(fields)).finish())).toEqual(Buffer.from(b.encode(new b(fields)).finish()));
    }
    expect(loaded).toHaveLength(3);
  });

  it("Firestore's serializer sets a nested field through the separately loaded Value, as before", () => {
    loaded.length = 0;
    const file = firestoreFile('serializer.js');
    const edited = loadEdited(file, editsOf('/@google-cloud/firestore/build/src/serializer.js'), separate);
    expect(loaded).toEqual([]);
    const original = createRequire(file)(file) as Record<string, unknown>;
    const { FieldPath } = createRequire(file)('./path') as { FieldPath: new (...segments: string[]) => unknown };
    const set = (serializer: Record<string, unknown>) => {
      const ObjectValue = serializer.ObjectValue as {
        empty(): { set(path: unknown, value: unknown): void; value: unknown };
      };
      const object = ObjectValue.empty();
      object.set(new FieldPath('a', 'b'), { integerValue: '7' });
      object.set(new FieldPath('a', 'c'), { stringValue: 'x' });
      return object.value;
    };
    expect(set(edited)).toEqual(set(original));
    expect(loaded.length).toBeGreaterThan(0);
  });

  it("Firestore's bundle builder encodes through the separate file, byte for byte as before", () => {
    loaded.length = 0;
    const file = firestoreFile('bundle.js');
    const edited = loadEdited(file, editsOf('/@google-cloud/firestore/build/src/bundle.js'), separate);
    const original = createRequire(file)(file) as Record<string, unknown>;
    const build = (module: Record<string, unknown>) =>
      new (module.BundleBuilder as new (id: string) => { build(): Buffer })('bundle-1').build();
    expect(build(edited)).toEqual(build(original));
    expect(loaded.length).toBeGreaterThan(0);
  });
});

describe("Fastify's code for paths the services never take", () => {
  const fastifyIndex = createRequire(join(repoRoot, 'packages', 'core', 'package.json')).resolve('fastify');
  const fastifyFile = (name: string) => join(dirname(fastifyIndex), name);

  it('loads node:http2 and node:https only for such servers: an HTTP/1.1 server is built without them', () => {
    // In a process of its own, where nothing else loaded http2 or https before.
    const file = fastifyFile('lib/server.js');
    const edits = editsOf('/fastify/lib/server.js');
    expect(edits).toHaveLength(2);
    let edited = readFileSync(file, 'utf8');
    for (const edit of edits) {
      expect(edited.split(edit.find).length - 1, edit.find).toBe(1);
      edited = edited.replace(edit.find, () => String(edit.replace));
    }
    const dir = mkdtempSync(join(tmpdir(), 'fastify-server-'));
    writeFileSync(join(dir, 'server.js'), edited);
    const script = `
      const Module = require('node:module');
      const file = ${JSON.stringify(file)};
      const module = new Module(file);
      module.filename = file;
      module.paths = Module._nodeModulePaths(require('node:path').dirname(file));
      module._compile(require('node:fs').readFileSync(${JSON.stringify(join(dir, 'server.js'))}, 'utf8'), file);
      const loaded = () => ['http2', 'https'].filter((name) => process.moduleLoadList.includes('NativeModule ' + name));
      const { createServer } = module.exports;
      const handler = () => {};
      const instance = (options) => createServer.call({}, { connectionTimeout: 0, keepAliveTimeout: 1000, requestTimeout: 0, maxRequestsPerSocket: 0, ...options }, handler).server;
      const one = instance({});
      const before = loaded();
      const two = instance({ http2: true, http2SessionTimeout: 1000 });
      const afterHttp2 = loaded();
      const three = instance({ https: {} });
      process.stdout.write(JSON.stringify({ before, afterHttp2, after: loaded(), servers: [one, two, three].map((s) => s.constructor.name) }));
    `;
    const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
    expect(seen).toEqual({
      before: [],
      afterHttp2: ['http2'],
      after: ['http2', 'https'],
      servers: ['Server', 'Http2Server', 'Server'],
    });
  });

  describe('node:assert in its plugin checks and router, loaded on the first failing check', () => {
    const routerFile = createRequire(fastifyIndex).resolve('find-my-way');
    const files: Record<string, string> = {
      '/fastify/lib/plugin-utils.js': fastifyFile('lib/plugin-utils.js'),
      '/find-my-way/index.js': routerFile,
      '/find-my-way/lib/constrainer.js': join(dirname(routerFile), 'lib', 'constrainer.js'),
      '/find-my-way/lib/strategies/accept-host.js': join(dirname(routerFile), 'lib', 'strategies', 'accept-host.js'),
      '/find-my-way/lib/strategies/accept-version.js': join(
        dirname(routerFile),
        'lib',
        'strategies',
        'accept-version.js',
      ),
    };
    const assertEdit = (suffix: string) =>
      editsOf(suffix).find((e) => e.find === "const assert = require('node:assert')") as Edit;

    it('each file requires it once and only ever calls it as assert(value, message)', () => {
      for (const [suffix, file] of Object.entries(files)) {
        const source = readFileSync(file, 'utf8');
        expect(assertEdit(suffix), suffix).toBeDefined();
        expect(source.split(assertEdit(suffix).find).length - 1, suffix).toBe(1);
        const uses = source.replace(assertEdit(suffix).find, '').match(/\bassert\b.?/g) ?? [];
        expect(uses.length, suffix).toBeGreaterThan(0);
        // Every other mention is a call: no assert.ok, assert.strictEqual, nor the function passed on.
        expect(
          uses.filter((use) => use !== 'assert('),
          suffix,
        ).toEqual([]);
      }
    });

    it('a passing check loads nothing; a failing one throws what node:assert throws', () => {
      // In a process of its own, where nothing else loaded node:assert before.
      const replace = String(assertEdit('/find-my-way/index.js').replace);
      const script = `
        ${replace}
        const loaded = () => process.moduleLoadList.includes('NativeModule assert');
        assert(true, 'fine');
        assert(1 === 1, 'fine');
        const before = loaded();
        let thrown;
        try { assert(false, 'The path could not be empty'); } catch (error) { thrown = { name: error.name, code: error.code, message: error.message }; }
        process.stdout.write(JSON.stringify({ before, after: loaded(), thrown }));
      `;
      const seen = JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
      expect(seen).toEqual({
        before: false,
        after: true,
        thrown: { name: 'AssertionError', code: 'ERR_ASSERTION', message: 'The path could not be empty' },
      });
    });

    it('the edited router refuses a bad route as the original does, and routes as before', () => {
      const edited = loadEdited(routerFile, editsOf('/find-my-way/index.js')) as unknown as RouterFactory;
      const original = createRequire(routerFile)(routerFile) as RouterFactory;
      for (const make of [edited, original]) {
        const router = make();
        expect(() => router.on('GET', '', () => {})).toThrow('The path could not be empty');
        expect(() => router.on('FETCH', '/x', () => {})).toThrow("Method 'FETCH' is not an http method.");
        router.on('GET', '/plants/:id', () => {});
        expect(router.find('GET', '/plants/7')?.params).toEqual({ id: '7' });
      }
    });
  });

  describe('its default schema compilers and inject, bundled apart', () => {
    const { loaded, separate, build } = separateFiles([
      ['/fastify/lib/schema-controller.js', fastifyFile('lib/schema-controller.js')],
      ['/fastify/fastify.js', fastifyIndex],
    ]);

    beforeAll(build, 120_000);

    it('compiles a route schema with the separately loaded ajv and fast-json-stringify, as before', () => {
      loaded.length = 0;
      const file = fastifyFile('lib/schema-controller.js');
      const edited = loadEdited(file, editsOf('/fastify/lib/schema-controller.js'), separate) as unknown as {
        buildSchemaController(parent: null, options: undefined): SchemaController;
      };
      const original = createRequire(file)(file) as typeof edited;
      type SchemaController = {
        setupValidator(options: object): void;
        setupSerializer(options: object): void;
        validatorCompiler(route: object): (value: unknown) => boolean;
        serializerCompiler(route: object): (value: unknown) => string;
      };
      const schema = {
        type: 'object',
        properties: { n: { type: 'integer', minimum: 1 }, s: { type: 'string' } },
        required: ['n'],
      };
      const answers = [edited, original].map((module) => {
        const controller = module.buildSchemaController(null, undefined);
        controller.setupValidator({ ajv: { customOptions: {}, plugins: [] } });
        controller.setupSerializer({ serializerOpts: {} });
        const validate = controller.validatorCompiler({ schema, method: 'POST', url: '/x', httpPart: 'body' });
        const serialize = controller.serializerCompiler({ schema, method: 'POST', url: '/x', httpStatus: '200' });
        return [validate({ n: 2 }), validate({ n: 0 }), validate({ s: 'x' }), serialize({ n: 3, s: 'é"', x: 1 })];
      });
      expect(answers[0]).toEqual([true, false, false, '{"n":3,"s":"é\\""}']);
      expect(answers[0]).toEqual(answers[1]);
      expect(loaded).toHaveLength(2);
    });

    it('answers inject through the separately loaded light-my-request, loaded on the first inject only', async () => {
      loaded.length = 0;
      const edited = loadEdited(fastifyIndex, editsOf('/fastify/fastify.js'), separate) as unknown as (
        options?: object,
      ) => {
        get(path: string, handler: () => unknown): void;
        inject(options: object): Promise<{ statusCode: number; json(): unknown }>;
        close(): Promise<void>;
      };
      const app = edited();
      app.get('/hello', () => ({ hello: 'world' }));
      expect(loaded).toEqual([]);
      const response = await app.inject({ method: 'GET', url: '/hello' });
      expect(response.statusCode).toBe(200);
      expect(response.json()).toEqual({ hello: 'world' });
      expect(loaded).toHaveLength(1);
      await app.close();
    });
  });
});
