// The launcher's V8 code cache (bin/codeCache.js) for check's and the hook's bundles: written by the first
// run, believed by the next, replaced when V8 rejects it, never met by a rebuilt bundle, and no cache at all
// where it cannot be written, always with the same answers. Each test runs a copy of the package (bin/,
// build/cli/, package.json) so that the caches it writes are its own.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { makeRepo, makeTempDir } from '../../support/helpers/repo.js';

const PACKAGE = fileURLToPath(new URL('../../..', import.meta.url));

describe('check loads its bundle with V8 code cache', () => {
  const repo = makeRepo({ withRemote: false });
  const copy = makeTempDir('dw-package-');
  after(() => {
    repo.cleanup();
    rmSync(copy, { recursive: true, force: true });
  });
  for (const part of ['bin', 'build/cli', 'package.json', 'config.schema.json'])
    cpSync(join(PACKAGE, part), join(copy, part), { recursive: true });
  symlinkSync(join(PACKAGE, 'node_modules'), join(copy, 'node_modules'));
  const cli = join(copy, 'build', 'cli');
  for (const name of readdirSync(cli)) if (name.endsWith('.v8cache')) writeFileSync(join(cli, name), ''); // none of ours
  /** Cache files with something in them (a test empties the others). */
  const caches = () =>
    readdirSync(cli).filter((name) => {
      const stat = statSync(join(cli, name));
      return name.endsWith('.v8cache') && stat.isFile() && stat.size > 0;
    });
  const check = (...args: string[]) => {
    const r = spawnSync(process.execPath, [join(copy, 'bin', 'deploy-watch.js'), 'check', ...args], {
      cwd: repo.dir,
      env: repo.env,
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const head = repo.git('rev-parse', 'HEAD');
  const expected = () => {
    const r = check('--json', head);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(JSON.parse(r.stdout).sha, head);
    return r;
  };

  it('writes the cache on the first run and believes it on the next, with the same answer', () => {
    const first = expected();
    assert.equal(caches().length, 1, 'one cache, beside the bundle');
    const [cache] = caches();
    const written = readFileSync(join(cli, cache!));
    assert.deepEqual(expected(), first);
    // Accepted: the second run had nothing to write.
    assert.deepEqual(readFileSync(join(cli, cache!)), written);
    // What loads later still loads from code that came from the cache (zod, for a config that changed):
    // Node 20 cannot import() there, so the bundle must hold none (bundle.mjs refuses to build one that does).
    const config = join(repo.dir, 'deploy-watch.config.json');
    writeFileSync(config, '{ "polling": { "timeout": "long" } }\n');
    const invalid = check(head);
    rmSync(config);
    assert.equal(invalid.code, 78, invalid.stderr);
    assert.match(invalid.stderr, /polling\.timeout/);
    assert.doesNotMatch(invalid.stderr, /Warning/);
  });

  it('replaces a cache V8 rejects (cut short, another Node) instead of believing it', () => {
    const [cache] = caches();
    writeFileSync(join(cli, cache!), 'not a code cache');
    expected();
    assert.notEqual(readFileSync(join(cli, cache!), 'utf8'), 'not a code cache');
    assert.ok(statSync(join(cli, cache!)).size > 1000);
  });

  it('names the cache after the bundle file (size, inode, ctime), so a rebuilt bundle never meets the old one', () => {
    const [old] = caches();
    const later = new Date(Date.now() + 60_000);
    utimesSync(join(cli, 'check.cjs'), later, later);
    expected();
    assert.equal(caches().length, 2, 'a second cache for the rebuilt bundle');
    assert.ok(caches().includes(old!), 'the old one left as it was');
  });

  it('where the cache cannot be written, answers the same without one and leaves nothing behind', () => {
    for (const name of caches()) writeFileSync(join(cli, name), '');
    const later = new Date(Date.now() + 120_000);
    utimesSync(join(cli, 'check.cjs'), later, later);
    // The cache's name taken by a folder: reading it and renaming onto it both fail (as root, in CI, a
    // read-only folder would not stop us).
    const bundle = statSync(join(cli, 'check.cjs'));
    mkdirSync(join(cli, `check.cjs.${bundle.size}-${bundle.ino}-${Math.trunc(bundle.ctimeMs)}.v8cache`, 'taken'), {
      recursive: true,
    });
    expected();
    assert.deepEqual(caches(), []);
    assert.deepEqual(
      readdirSync(cli).filter((name) => /\.v8cache\..*\.tmp$/.test(name)),
      [],
      'no half-written cache left',
    );
  });
});
