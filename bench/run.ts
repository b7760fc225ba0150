// Runs every benchmark in this folder, one after the other, each in its own process.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const skip = new Set(['run.js', 'timing.js', 'drivenWatcher.js', 'rssSampler.js']);
const only = process.argv[2];
let failed = 0;
for (const file of readdirSync(here)
  .filter((f) => f.endsWith('.js') && !skip.has(f))
  .sort()) {
  if (only && !file.startsWith(only)) continue;
  console.log(`\n== bench/${file.replace(/\.js$/, '.ts')} ==`);
  const r = spawnSync(process.execPath, [join(here, file)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
