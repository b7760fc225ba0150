// Imports point down: a folder may import from its own layer and the layers below it, never above.
// kernel, git < store, sources < deps.ts < watcher, publish, push < hooks < commands < the entry points (cli, main,
// runtime, api, index). The README's "How the code is laid out" draws the same map.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, posix, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

const RANK: Record<string, number> = {
  kernel: 0,
  git: 0,
  store: 1,
  sources: 1,
  watcher: 2,
  publish: 2,
  push: 2,
  hooks: 3,
  commands: 4,
};
/** Files in src/ itself: the entry points, except what the rooms below them are given (Deps). */
const FILE_RANK: Record<string, number> = { 'deps.ts': 1.5 };
const TOP = 5;

/** Known upward imports, each waiting on a move; empty now, kept so a new exception must be named. */
const ALLOWED = new Set<string>([]);

/** The layer of a path relative to src/ (forward slashes): its first folder, or the top for a file in src/. */
export function layerOf(path: string): number {
  const folder = path.includes('/') ? path.slice(0, path.indexOf('/')) : null;
  if (folder === null) return FILE_RANK[path] ?? TOP;
  const rank = RANK[folder];
  if (rank === undefined) throw new Error(`src/${path}: folder ${folder}/ has no layer; add it to RANK in this test`);
  return rank;
}

/** Relative module specifiers of a file's static and dynamic imports and re-exports. */
export function importsOf(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const m of text.matchAll(pattern)) found.push(m[1]!);
  return found;
}

/** Every `from -> to` import (paths relative to src/, .ts) that runs from a lower layer to a higher one. */
export function upwardImports(files: ReadonlyMap<string, string>): string[] {
  const bad: string[] = [];
  for (const [file, text] of files) {
    for (const spec of importsOf(text)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts');
      if (target.startsWith('../')) continue; // outside src/: not ours to rank
      if (layerOf(target) > layerOf(file)) bad.push(`${file} -> ${target}`);
    }
  }
  return bad;
}

function sourceFiles(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    files.set(relative(SRC, full).split(sep).join('/'), readFileSync(full, 'utf8'));
  }
  return files;
}

describe('layers', () => {
  it('finds an upward import, a dynamic one and a type-only one, and lets downward ones through', () => {
    const files = new Map([
      ['kernel/a.ts', "import { x } from '../commands/check/index.js';\nconst m = await import('../store/index.js');"],
      [
        'hooks/b.ts',
        "import type { Deps } from '../deps.js';\nexport { y } from './c.js';\nimport type { R } from '../runtime.js';",
      ],
      ['commands/c/index.ts', "import { z } from '../../hooks/b.js';\nimport { w } from '../../push/x.js';"],
    ]);
    assert.deepEqual(upwardImports(files), [
      'kernel/a.ts -> commands/check/index.ts',
      'kernel/a.ts -> store/index.ts',
      'hooks/b.ts -> runtime.ts',
    ]);
  });

  it('names a folder that has no layer', () => {
    assert.throws(() => layerOf('misc/x.ts'), /folder misc\/ has no layer/);
  });

  it('src/ has no import from a lower folder to a higher one', () => {
    const files = sourceFiles(SRC);
    assert.ok(files.size > 50, `expected the source tree at ${SRC}, read ${files.size} files`);
    const bad = upwardImports(files).filter((edge) => !ALLOWED.has(edge));
    assert.deepEqual(
      bad,
      [],
      `imports that run up the layers (kernel, git < store, sources < deps.ts < watcher, push < hooks < commands < entry points):\n${bad.join('\n')}`,
    );
  });

  it('lists no allowed exception that is gone', () => {
    const edges = new Set(upwardImports(sourceFiles(SRC)));
    const stale = [...ALLOWED].filter((edge) => !edges.has(edge));
    assert.deepEqual(stale, [], `remove from ALLOWED: ${stale.join(', ')}`);
  });
});
