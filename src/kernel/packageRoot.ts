// Where this package is installed, found by walking up from the running module: the same answer from
// build/src/<dir>/ (tsc output, tests) and from build/cli/ (the bundle), so nothing hard-codes a depth.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: { root: string; version: string } | undefined;

function find(): { root: string; version: string } {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'deploy-watch') return { root: dir, version: pkg.version ?? '0.0.0' };
    } catch {
      /* not here: keep walking */
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('deploy-watch: cannot find its own package.json above its modules');
    dir = parent;
  }
}

/** The package's folder (holding package.json and bin/). */
export function packageRoot(): string {
  return (cached ??= find()).root;
}

export function packageVersion(): string {
  return (cached ??= find()).version;
}

/** The CLI launcher, for spawning deploy-watch itself (monitors, watchers, merge drivers). */
export function binPath(): string {
  return join(packageRoot(), 'bin', 'deploy-watch.js');
}
