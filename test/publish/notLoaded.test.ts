// Publishing costs `check` and the pre-push hook nothing: no module of src/publish/ is reached from their entry
// points by a static import (what Node loads at start); the watcher reaches it only through a dynamic import,
// taken when a GitHub token is set.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../../src/', import.meta.url));

/** Relative specifiers of the value imports and re-exports a file runs at load (type-only ones left out). */
function staticImports(text: string): string[] {
  const found: string[] = [];
  const pattern = /(?:^|\n)\s*(?:import|export)\s+(type\s+)?(?:[^;'"]*?\bfrom\s*)?['"](\.{1,2}\/[^'"]+)['"]/g;
  for (const m of text.matchAll(pattern)) if (!m[1]) found.push(m[2]!);
  return found;
}

/** Every file under src/ that loading `entry` loads. */
function loadedBy(entry: string): Set<string> {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(`${SRC}${file}`, 'utf8');
    for (const spec of staticImports(text))
      visit(posix.normalize(posix.join(posix.dirname(file), spec)).replace(/\.js$/, '.ts'));
  };
  visit(entry);
  return seen;
}

describe('what publishing costs the commands that must start fast', () => {
  it('finds a static import and leaves type-only and dynamic ones out', () => {
    const text =
      "import { a } from './a.js';\nimport type { B } from './b.js';\nimport {\n  c,\n} from './c.js';\nconst d = await import('./d.js');\nexport { e } from './e.js';";
    assert.deepEqual(staticImports(text), ['./a.js', './c.js', './e.js']);
  });

  for (const entry of ['checkMain.ts', 'hookMain.ts', 'watcherMain.ts', 'watcher/process.ts']) {
    it(`${entry} loads nothing of src/publish/ at start`, () => {
      const loaded = loadedBy(entry);
      assert.ok(loaded.size > 5, `read ${loaded.size} files from ${entry}`);
      assert.deepEqual(
        [...loaded].filter((f) => f.startsWith('publish/')),
        [],
      );
    });
  }
});
