// Fault: symlinks in the state folder were followed. With <state>/deploy-watch.log a link, pino appended
// to its target; with runs/ a link, `cleanup` deleted sha-named files in the folder it pointed to. What the
// user must see: the target untouched, and a message naming the link and how to remove it.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { LinkRefused } from '../../../src/kernel/fs/noFollow.js';
import { createLogger } from '../../../src/kernel/log.js';
import { toolLogPath } from '../../../src/store/files/stateDir.js';
import { cliWorld } from '../../../support/worlds/cliWorld.js';
import { makeTempDir } from '../../../support/helpers/repo.js';
import { putRecord, useRepoFixture } from '../../../support/helpers/state.js';

const LINK_MESSAGE =
  /is a symbolic link \(to .*\); deploy-watch never writes or deletes through a link in its state folder\. Remove the link \(rm ".*"\)/;

describe('fault: a symlink planted in the state folder', () => {
  describe('runs/ a link to another folder', () => {
    const fx = useRepoFixture();

    it('cleanup deletes nothing in the folder it points to, and names the link', async () => {
      const sha = 'a'.repeat(40);
      const elsewhere = join(fx.repo.root, 'elsewhere');
      mkdirSync(elsewhere);
      const victims = [`${sha}.json`, `${sha}.log`, `${'b'.repeat(40)}.pid`].map((n) => join(elsewhere, n));
      const old = new Date(Date.now() - 30 * 86_400_000);
      for (const file of victims) {
        writeFileSync(file, 'not deploy-watch state\n');
        utimesSync(file, old, old);
      }
      mkdirSync(fx.store.stateDir, { recursive: true });
      const runs = join(fx.store.stateDir, 'runs');
      symlinkSync(elsewhere, runs);

      for (const args of [['cleanup'], ['cleanup', '--dry-run'], ['manage', 'cleanup']]) {
        const r = fx.dw(...args);
        assert.equal(r.code, 70, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, LINK_MESSAGE);
        assert.ok(r.stderr.includes(runs), r.stderr);
      }
      assert.deepEqual(readdirSync(elsewhere).sort(), victims.map((v) => v.slice(elsewhere.length + 1)).sort());
      for (const file of victims) assert.equal(readFileSync(file, 'utf8'), 'not deploy-watch state\n');
      // Nor does a record get written there.
      await assert.rejects(putRecord(fx.store, 'c'.repeat(40), { state: 'success' }), LinkRefused);
      assert.equal(existsSync(join(elsewhere, `${'c'.repeat(40)}.json`)), false);
    });
  });

  describe('deploy-watch.log a link to another file', () => {
    it('the logger refuses it and the target is left as it was', () => {
      const dir = makeTempDir();
      const target = join(dir, 'precious.txt');
      writeFileSync(target, 'keep me\n');
      const log = toolLogPath(join(dir, 'state'));
      mkdirSync(join(dir, 'state'));
      symlinkSync(target, log);
      assert.throws(
        () => createLogger(log, []),
        (e: unknown) => e instanceof LinkRefused && LINK_MESSAGE.test(e.message),
      );
      assert.equal(readFileSync(target, 'utf8'), 'keep me\n');
    });

    it('through the built CLI: the watcher appends nothing there, and the commit says why it was not watched', async () => {
      let sha = '';
      const w = await cliWorld((repo) => ({
        deployments: [{ id: 'd1', sha: (sha = repo.git('rev-parse', 'HEAD')), phases: [[0, 'ACTIVE']] }],
      }));
      try {
        const target = join(w.repo.root, 'precious.txt');
        writeFileSync(target, 'keep me\n');
        mkdirSync(w.store.stateDir, { recursive: true });
        const log = toolLogPath(w.store.stateDir);
        symlinkSync(target, log);
        const r = await w.dw('monitor', sha);
        assert.notEqual(r.code, 0, r.stdout);
        const check = await w.dw('check', sha);
        assert.match(check.stdout + check.stderr, LINK_MESSAGE);
        assert.ok((check.stdout + check.stderr).includes(log));
        assert.equal(readFileSync(target, 'utf8'), 'keep me\n');
      } finally {
        await w.close();
      }
    });
  });
});
