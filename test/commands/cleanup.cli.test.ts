// `deploy-watch cleanup`: only old run files, never those of a commit the watcher follows, never through a symlink.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { putRecord, startFakeMonitor, useRepoFixture } from '../../support/helpers/state.js';

const DAY = 86_400_000;
function age(path: string, days: number): void {
  const t = new Date(Date.now() - days * DAY);
  utimesSync(path, t, t);
}

describe('cleanup', () => {
  const fx = useRepoFixture();
  const { children } = fx;
  const dw = fx.dw;

  it('removes files older than N days, keeps newer ones and those the watcher follows, and is quiet when idle', async () => {
    const old = 'a'.repeat(40);
    const fresh = 'b'.repeat(40);
    const live = 'c'.repeat(40);
    await putRecord(fx.store, old, { state: 'success' });
    await fx.store.writeLog(old, 'log\n');
    const oldLock = join(fx.store.stateDir, 'runs', `${old}.lock`); // left by a version before the one watcher
    mkdirSync(oldLock);
    await putRecord(fx.store, fresh, { state: 'failed' });
    await putRecord(fx.store, live, { state: 'building' });
    children.push(startFakeMonitor(fx.store, live));
    for (const p of [fx.store.paths(old).record, fx.store.paths(old).log, oldLock, fx.store.paths(live).record])
      age(p, 10);
    age(fx.store.paths(fresh).record, 3);

    const dry = dw('cleanup', '--dry-run');
    assert.equal(dry.code, 0);
    assert.match(dry.stdout, /Would remove 3 files/);
    assert.ok(existsSync(fx.store.paths(old).record), 'dry run removes nothing');

    const r = dw('cleanup');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Removed 3 files/);
    assert.ok(!existsSync(fx.store.paths(old).record) && !existsSync(fx.store.paths(old).log) && !existsSync(oldLock));
    assert.ok(existsSync(fx.store.paths(fresh).record), 'younger than 7 days');
    assert.ok(existsSync(fx.store.paths(live).record), 'a commit the live watcher follows is never cleaned');

    assert.equal(dw('cleanup').stdout, '', 'nothing to do: no output (cron-safe)');
    // A commit's files go together: an old record whose log is recent stays.
    const mixed = 'e'.repeat(40);
    await putRecord(fx.store, mixed, { state: 'failed' });
    await fx.store.writeLog(mixed, 'recent log\n');
    age(fx.store.paths(mixed).record, 30);
    assert.equal(dw('cleanup').stdout, '');
    assert.ok(existsSync(fx.store.paths(mixed).record));
    const two = dw('cleanup', '2', '--json');
    assert.deepEqual(JSON.parse(two.stdout).removed, [fx.store.paths(fresh).record]);
  });

  it('never follows a symlink and never touches anything outside runs/', async () => {
    const outside = join(fx.repo.root, 'precious.txt');
    writeFileSync(outside, 'keep me\n');
    const link = join(fx.store.stateDir, 'runs', `${'d'.repeat(40)}.json`);
    symlinkSync(outside, link);
    const stranger = join(fx.store.stateDir, 'runs', 'notes.txt');
    writeFileSync(stranger, 'not ours\n');
    const besides = join(fx.store.stateDir, 'deploy-watch.log');
    writeFileSync(besides, '{}\n');
    for (const p of [outside, stranger, besides]) age(p, 30);
    const r = dw('cleanup', '--days', '0', '--verbose');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /left .*d{40}\.json \(not a deploy-watch run file, or a symlink\)/);
    assert.equal(readFileSync(outside, 'utf8'), 'keep me\n');
    assert.ok(existsSync(link) && existsSync(stranger) && existsSync(besides));
  });

  it('refuses a bad age with 64 and an invalid config with 78', () => {
    for (const bad of [['abc'], ['--days', '-1'], ['--days', '1e9'], ['3', '--days', '4']]) {
      const r = dw('cleanup', ...bad);
      assert.equal(r.code, 64, `${bad.join(' ')}: ${r.stderr}`);
      assert.ok(r.stderr.length > 0);
    }
    writeFileSync(join(fx.repo.dir, 'deploy-watch.config.json'), JSON.stringify({ cleanup: { days: 'seven' } }));
    const r = dw('cleanup');
    assert.equal(r.code, 78);
    assert.match(
      r.stderr,
      /deploy-watch\.config\.json: "cleanup\.days" expected number, received string\. See the README/,
    );
  });
});
