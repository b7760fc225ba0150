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
// The pre-push hook's entry point: one self-contained file, because every module file costs start-up time
// (it loads neither zod nor pino).
await build({
  ...common,
  entryPoints: { hook: 'build/src/hookMain.js' },
  outdir: 'build/cli',
  splitting: false,
});
// check's entry point: its every answer in one file; what only some answers need (zod for a config that
// changed, the watcher's code for --wait) in chunks loaded then. The watcher's entry point: it holds what
// it loads for minutes, so not the command table either. Each its own build, so that no chunk of the
// command table's is shared into its start-up.
for (const name of ['check', 'watcher'])
  await build({
    ...common,
    entryPoints: { [name]: `build/src/${name}Main.js` },
    outdir: 'build/cli',
    splitting: true,
    chunkNames: `${name}-[hash]`,
  });
// The config's JSON Schema for editors, generated from the zod schema and shipped at the package root.
const { SCHEMA_FILE, configJsonSchemaText } = await import('./build/src/kernel/config/jsonSchema.js');
writeFileSync(SCHEMA_FILE, configJsonSchemaText());
