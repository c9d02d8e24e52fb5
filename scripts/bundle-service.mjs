#!/usr/bin/env node
// Bundles one service's composition root (dist/start.js, from tsc) with every production
// dependency into `bundle/`: CommonJS chunks (start.cjs and the chunks its lazy imports load),
// the loader that runs them with V8's code cache (bundle-runtime/loader.cjs, which says why),
// main.mjs that starts it, and warm-cache.mjs that bakes that cache. Node then reads a handful
// of files at start instead of resolving a module graph of ~1,500 files, which is most of a cold
// start (packages/bench/RESULTS.md). The image, the deploy-folder test and the bench all run
// this folder.
//
//   node ../../scripts/bundle-service.mjs        (from services/<name>; its `build` script)
//
// The Google clients read a few files next to their code at run time (.proto and
// .json files located through __dirname: google-gax's common protos, the Spanner
// client's longrunning protos, grpc-js's channelz). Each such module's __dirname is
// pointed into bundle/assets/<package>/<same relative folder>, and those packages'
// .proto/.json files are copied there, so the bundle needs no node_modules.
//
// A few large modules no data-plane call reads (generated protobufjs classes: bundle-edits.mjs
// SEPARATE_MODULES) are bundled apart into bundle/separate/<name>.cjs and loaded on first use,
// so their text is neither read nor compiled at start.
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { rolldown } from 'rolldown';
import { DEFERRALS, FAST_PATHS, SEPARATE_MODULES } from './bundle-edits.mjs';
import { writeSeparate } from './bundle-separate.mjs';

// The bundle's own list of its chunks (the loader's, which the warm-up uses too).
const { bundleChunks } = createRequire(import.meta.url)('./bundle-runtime/loader.cjs');

const serviceDir = process.cwd();
const outDir = join(serviceDir, 'bundle');

/** `/…/node_modules/@scope/name/lib/x.js` → { root: '/…/node_modules/@scope/name', name: '@scope/name' }. */
function packageOf(file) {
  const at = file.lastIndexOf(`${sep}node_modules${sep}`);
  if (at < 0) return undefined;
  const rest = file.slice(at + '/node_modules/'.length).split(sep);
  const name = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  return name ? { root: file.slice(0, at + '/node_modules/'.length) + name, name } : undefined;
}

const assetPackages = new Map();

/** A file or folder inside node_modules → its path under assets/ (and its package's data is copied there). */
function assetPath(file) {
  const pkg = packageOf(file);
  if (!pkg) throw new Error(`bundle: ${file} is not inside node_modules`);
  assetPackages.set(pkg.name, pkg.root);
  return join(pkg.name, relative(pkg.root, file)).split(sep).join('/');
}

/** Gives each node_modules module that uses __dirname/__filename its own, pointing into assets/. */
const assetPaths = {
  name: 'asset-paths',
  transform(code, id) {
    if (!/\b__(dirname|filename)\b|require\.resolve\(/.test(code)) return null;
    const pkg = packageOf(id);
    if (!pkg) return null;
    // `require.resolve('pkg')` used to find a package's folder (the Spanner client finds google-gax's protos so).
    const resolved = code.replace(/\brequire\.resolve\((['"])([^'"]+)\1\)/g, (_, _q, spec) => {
      const target = createRequire(id).resolve(spec);
      return `__bundleAsset(${JSON.stringify(assetPath(target))})`;
    });
    const dir = assetPath(dirname(id));
    // `var` so a CommonJS module wrapped in a function keeps it local to that function.
    const header = `var __dirname = __bundleAsset(${JSON.stringify(dir)}), __filename = __bundleAsset(${JSON.stringify(assetPath(id))});\n`;
    return { code: header + resolved, map: null };
  },
};

const EDITS = [...DEFERRALS, ...FAST_PATHS];
const applied = new Map();

const edits = {
  name: 'edits',
  transform(code, id) {
    const edits = EDITS.filter((d) => id.split(sep).join('/').endsWith(d.file));
    if (edits.length === 0) return null;
    let out = code;
    for (const edit of edits) {
      const count = out.split(edit.find).length - 1;
      if (count !== 1)
        throw new Error(`bundle: expected the code to edit once in ${edit.file}, found it ${count} times`);
      out = out.replace(edit.find, () => (typeof edit.replace === 'function' ? edit.replace(id) : edit.replace));
      applied.set(edit.file, (applied.get(edit.file) ?? 0) + 1);
    }
    return { code: out, map: null };
  },
};

const started = performance.now();
rmSync(outDir, { recursive: true, force: true });
const bundle = await rolldown({
  input: join(serviceDir, 'dist', 'start.js'),
  platform: 'node',
  logLevel: 'warn',
  plugins: [edits, assetPaths],
});
const { output } = await bundle.write({
  dir: outDir,
  // CommonJS, so the loader can compile each chunk through vm.Script with its code cache
  // (bundle-runtime/loader.cjs); the lazy imports become requires of the chunks.
  format: 'cjs',
  entryFileNames: 'start.cjs',
  chunkFileNames: '[name]-[hash].cjs',
  // Minified (names kept: errors and a few libraries read constructor names): V8 keeps every
  // file's source text in memory for lazy compilation, so its size is resident memory.
  minify: true,
  keepNames: true,
  // One non-Latin-1 character makes V8 hold a whole file's source as two bytes per character:
  // escaped, the Spanner client's 3.9 MB chunk stays 3.9 MB in memory instead of 7.7.
  charset: 'ascii',
  // The asset locator, from the chunk's own folder: read on the chunk's first line, before a
  // module's own `var __dirname` (asset-paths, above) is assigned.
  banner: [
    'const __bundleDir = __dirname;',
    "const __bundleAsset = (path) => __bundleDir + '/assets/' + path;",
    // A module bundled apart (bundle-edits.mjs SEPARATE_MODULES), loaded on first use.
    "const __bundleSeparate = (name) => __bundleDir + '/separate/' + name + '.cjs';",
  ].join('\n'),
});
await bundle.close();

// The modules the edits load from files of their own: each bundled with what it requires into
// separate/<name>.cjs (CommonJS: the edited code `require`s it), read only when first used.
for (const [name, file] of SEPARATE_MODULES) {
  await writeSeparate(file, join(outDir, 'separate', `${name}.cjs`), [assetPaths]);
}

/** Copies the run-time data files (.proto, .json) of a package, not its code or nested node_modules. */
function copyData(from, to) {
  for (const entry of readdirSync(from)) {
    if (entry === 'node_modules') continue;
    const source = join(from, entry);
    if (statSync(source).isDirectory()) copyData(source, join(to, entry));
    else if (/\.(proto|json)$/.test(entry)) {
      mkdirSync(to, { recursive: true });
      copyFileSync(source, join(to, entry));
    }
  }
}
for (const [name, root] of assetPackages) copyData(root, join(outDir, 'assets', name));

// The build's identity, from every chunk's text: the loader keeps the code cache of each build
// in a folder of its own (V8 checks a cache against its source's length only).
const hash = createHash('sha256');
for (const file of bundleChunks(outDir)) hash.update(readFileSync(file));
const buildId = hash.digest('hex').slice(0, 16);

// The runtime files (bundle-runtime/): the loader and the warm-up, as they are; main.mjs, which
// starts the loader on this build; warm-up.json, the settings under which the warm-up starts the
// service without its database (package.json "warmUp").
const runtimeDir = join(dirname(new URL(import.meta.url).pathname), 'bundle-runtime');
copyFileSync(join(runtimeDir, 'loader.cjs'), join(outDir, 'loader.cjs'));
copyFileSync(join(runtimeDir, 'warm-cache.mjs'), join(outDir, 'warm-cache.mjs'));
writeFileSync(
  join(outDir, 'main.mjs'),
  [
    "// Written by scripts/bundle-service.mjs: starts the service through the bundle's loader (loader.cjs).",
    "import { createRequire } from 'node:module';",
    `await createRequire(import.meta.url)('./loader.cjs').run({ dir: import.meta.dirname, buildId: '${buildId}', entry: 'start.cjs', entryUrl: import.meta.url });`,
    '',
  ].join('\n'),
);
const { warmUp } = JSON.parse(readFileSync(join(serviceDir, 'package.json'), 'utf8'));
if (!warmUp?.offlineEnv) throw new Error('bundle: package.json has no "warmUp": { "offlineEnv": … } for the warm-up');
writeFileSync(join(outDir, 'warm-up.json'), `${JSON.stringify({ offlineEnv: warmUp.offlineEnv }, null, 2)}\n`);

const bytes = output.reduce((sum, o) => sum + (o.type === 'chunk' ? o.code.length : 0), 0);
process.stdout.write(
  `bundle: ${output.length} files (${SEPARATE_MODULES.size} more loaded on first use), ${(bytes / 1e6).toFixed(1)} MB of code, assets of ${[...assetPackages.keys()].join(', ') || 'none'}, ${applied.size} file(s) edited (${Math.round(performance.now() - started)} ms)\n`,
);
