// `npm run demo` on a fresh clone: `npm ci` built in `prepare`, so the demo builds only when a source is newer
// than the build (lifecycle.mjs build-if-stale), here in a stand-in package whose build only counts itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { makeTempDir } from '../../support/helpers/repo.js';

const LIFECYCLE = fileURLToPath(new URL('../../../lifecycle.mjs', import.meta.url));

describe('npm run demo: build-if-stale', () => {
  const dir = makeTempDir('dw-demo-build-');
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('builds when there is no build or a source is newer, and not right after a build', () => {
    copyFileSync(LIFECYCLE, join(dir, 'lifecycle.mjs'));
    const build =
      "const fs = require('fs'); for (const d of ['build/cli', 'build/demo']) fs.mkdirSync(d, { recursive: true });" +
      " fs.writeFileSync('build/cli/main.js', ''); fs.writeFileSync('build/demo/run.js', ''); fs.appendFileSync('builds', 'x');";
    writeFileSync(join(dir, 'build.cjs'), build);
    writeFileSync(
      join(dir, 'package.json'),
      JSON.stringify({ name: 'stand-in', scripts: { build: 'node build.cjs' } }),
    );
    mkdirSync(join(dir, 'src'));
    writeFileSync(join(dir, 'src', 'a.ts'), '');
    const past = Date.now() / 1000 - 60;
    utimesSync(join(dir, 'src', 'a.ts'), past, past);
    utimesSync(join(dir, 'src'), past, past);
    utimesSync(join(dir, 'package.json'), past, past);
    const builds = () => {
      const r = spawnSync(process.execPath, ['lifecycle.mjs', 'build-if-stale'], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return readFileSync(join(dir, 'builds'), 'utf8').length;
    };
    assert.equal(builds(), 1, 'no build yet: it builds');
    assert.equal(builds(), 1, 'just built (as npm ci did): it does not build again');
    const future = Date.now() / 1000 + 60;
    utimesSync(join(dir, 'src', 'a.ts'), future, future);
    assert.equal(builds(), 2, 'a source edited since: it builds');
  });
});
