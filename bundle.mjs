// Bundles the CLI for users: Node 20's ESM loader pays per module file, and `check` and the pre-push
// hook must start in a few milliseconds. tsc's build/src stays the library entry and what tests import.
// Dependencies stay external (loaded from node_modules only by the commands that need them), except
// commander, which every command parses with.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const external = Object.keys(pkg.dependencies).filter((name) => name !== 'commander');

rmSync('build/cli', { recursive: true, force: true }); // no stale chunks from an earlier build

const common = {
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external,
  // commander is CommonJS and requires node built-ins; give the ESM bundle a real require for them.
  banner: {
    js: "import { createRequire as __dwCreateRequire } from 'node:module'; const require = __dwCreateRequire(import.meta.url);",
  },
  logLevel: 'warning',
};

// The CLI: one entry, split so that each command's code (and its dependencies) loads only when run.
await build({
  ...common,
  entryPoints: { main: 'build/src/main.js' },
  outdir: 'build/cli',
  splitting: true,
  chunkNames: 'chunk-[hash]',
});
// The entry points that skip the command table (the pre-push hook's call, `check`, the hand-over of
// `monitor --detach` and the post-push step, the background watcher):
// each one CommonJS file. Node starts CommonJS without its ES module loader (resolve, translate and link
// per file, ~20 ms of check's start-up in a profile), and require()s a builtin without building an ES
// module namespace of all its exports (node:fs's streams and promises). What only some answers need (zod
// for a config that changed, the watcher's code for `check --wait`) is still evaluated only then; an
// external package (zod, pino, pg) is import()ed by the code that needs it, as before.
//
// All but the watcher's run from V8's code cache (bin/codeCache.js), where Node 20 cannot import():
// esbuild turns each import() into a require() there (zod, pino, pg, proper-lockfile are CommonJS), and the
// build fails if one is left (or if execa, an ES module only, is among them). The watcher's keeps import(): execa is an ES module only.
for (const name of ['hook', 'check', 'handOver', 'watcher']) {
  const cached = name !== 'watcher';
  const outfile = `build/cli/${name}.cjs`;
  await build({
    ...common,
    format: 'cjs',
    entryPoints: { [name]: `build/src/${name}Main.js` },
    outfile,
    // packageRoot.ts finds the package from its module's URL.
    define: { 'import.meta.url': '__dwModuleUrl' },
    // "use strict" first: esbuild's own comes after the banner, where it is no directive at all.
    banner: { js: "'use strict';\nconst __dwModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    supported: cached ? { 'dynamic-import': false } : {},
  });
  const text = readFileSync(outfile, 'utf8');
  if (cached && /\bimport\(/.test(text))
    throw new Error(`${outfile} still has an import(), which fails when it runs from the code cache`);
  if (cached && text.includes('require("execa")'))
    throw new Error(`${outfile} would require() execa, an ES module only, which Node 20 cannot`);
}
// The config's JSON Schema for editors, generated from the zod schema and shipped at the package root.
const { SCHEMA_FILE, configJsonSchemaText } = await import('./build/src/kernel/config/jsonSchema.js');
writeFileSync(SCHEMA_FILE, configJsonSchemaText());
