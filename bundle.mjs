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
// The pre-push hook's and a plain check's entry points: one self-contained file each, because every
// module file costs start-up time (neither loads zod or pino).
await build({
  ...common,
  entryPoints: { hook: 'build/src/hookMain.js', check: 'build/src/checkMain.js' },
  outdir: 'build/cli',
  splitting: false,
});
// The config's JSON Schema for editors, generated from the zod schema and shipped at the package root.
const { SCHEMA_FILE, configJsonSchemaText } = await import('./build/src/kernel/config/jsonSchema.js');
writeFileSync(SCHEMA_FILE, configJsonSchemaText());
