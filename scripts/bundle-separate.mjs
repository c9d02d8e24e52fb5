// One module bundled apart from a service's chunks (bundle-edits.mjs SEPARATE_MODULES): the
// module and what it requires, as one CommonJS file that the edited code `require`s on first use.
// Used by bundle-service.mjs, and by infra/test/bundle-edits.test.ts to check such a file
// answers as the module it was built from.
import { rolldown } from 'rolldown';

/** Writes `file` (a dependency's module) and its requirements to `outFile` (`.cjs`). */
export async function writeSeparate(file, outFile, plugins = []) {
  const build = await rolldown({ input: file, platform: 'node', logLevel: 'warn', plugins });
  try {
    await build.write({
      file: outFile,
      format: 'cjs',
      // As the service's chunks (bundle-service.mjs): minified, names kept, ASCII only.
      minify: true,
      keepNames: true,
      charset: 'ascii',
      // The asset locator of bundle-service.mjs's asset-paths plugin, from bundle/separate/.
      banner: "const __bundleAsset = (path) => __dirname + '/../assets/' + path;",
    });
  } finally {
    await build.close();
  }
}
