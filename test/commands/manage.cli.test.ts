// `manage status|stop|cleanup` against real detached processes standing in for the watcher: live, dead,
// a reused PID, stubborn ones, and the files a dead one leaves.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tryLock } from '../../src/kernel/fs/lock.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import {
  ignoringTerm,
  isAlive,
  killQuietly,
  putRecord,
  startFakeMonitor,
  useRepoFixture,
} from '../../support/helpers/state.js';

async function waitGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

interface Status {
  watcher: { pid: number; liveness: string; rssBytes: number | null } | null;
  commits: Array<{ sha: string; pid: number | null; liveness: string; stale: boolean }>;
}

describe('manage', () => {
  const fx = useRepoFixture();
  const { children } = fx;
  const dw = fx.dw;
  const status = () => JSON.parse(dw('--json', 'manage', 'status').stdout) as Status;

  it('status says so when nothing runs', () => {
    const r = dw('manage', 'status');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No watcher is running/);
    assert.deepEqual(status(), { watcher: null, commits: [] });
  });

  it('status shows the watcher (PID, memory) and its commits; a dead watcher and a reused PID make them stale', async () => {
    const a = fx.repo.commit('a');
    const b = fx.repo.commit('b');
    await putRecord(fx.store, a, { state: 'building' });
    await putRecord(fx.store, b, { state: 'deploying' });
    const watcher = startFakeMonitor(fx.store, a);
    children.push(watcher);
    await putRecord(fx.store, b, { state: 'deploying', pid: watcher.pid! });
    let s = status();
    assert.equal(s.watcher?.pid, watcher.pid);
    assert.equal(s.watcher?.liveness, 'alive');
    assert.ok((s.watcher?.rssBytes ?? 0) > 1_000_000, 'its resident memory, from /proc');
    assert.deepEqual(
      s.commits.map((c) => [c.sha, c.liveness, c.stale]).sort(),
      [
        [a, 'alive', false],
        [b, 'alive', false],
      ].sort(),
    );
    const human = dw('manage', 'status').stdout;
    assert.match(human, new RegExp(`Watcher PID ${watcher.pid}, up .*, \\d+ MB resident, following 2 commits`));
    assert.match(human, /SHA\s+BRANCH\s+AGE\s+STATE\s+PHASE/);
    assert.equal(dw('check', a).code, 2);

    // Reused: the PID is alive (this test process) but its start time is not the recorded one.
    writeFileSync(
      watcherPaths(fx.store.stateDir).pid,
      JSON.stringify({ pid: process.pid, startTime: '1', startedAt: new Date().toISOString() }),
    );
    await putRecord(fx.store, a, { state: 'building', pid: process.pid });
    s = status();
    assert.equal(s.commits.find((c) => c.sha === a)?.liveness, 'reused');
    assert.match(dw('manage', 'status').stdout, new RegExp(`${a.slice(0, 7)}.*stale \\(PID reused\\)`));
    assert.equal(dw('check', a).code, 3);

    // Dead: the watcher was killed.
    const dying = startFakeMonitor(fx.store, b);
    await putRecord(fx.store, b, { state: 'deploying', pid: dying.pid! });
    dying.kill('SIGKILL');
    assert.ok(await waitGone(dying.pid!));
    s = status();
    assert.equal(s.watcher?.liveness, 'dead');
    assert.equal(s.commits.find((c) => c.sha === b)?.stale, true);
    const text = dw('manage', 'status').stdout;
    assert.match(text, /The watcher \(PID \d+\) is gone/);
    assert.match(text, new RegExp(`${b.slice(0, 7)}.*stale \\(watcher gone\\)`));
    assert.equal(dw('check', b).code, 3);
    killQuietly(watcher);
  });

  it("cleanup removes a dead watcher's PID file and lock, and the PID files of older versions; keeps a live one", async () => {
    const paths = watcherPaths(fx.store.stateDir);
    writeFileSync(paths.pid, JSON.stringify({ pid: 999_997, startTime: null, startedAt: '' }));
    mkdirSync(paths.lock, { recursive: true });
    const legacy = fx.repo.commit('legacy');
    const legacyPid = join(fx.store.stateDir, 'runs', `${legacy}.pid`);
    writeFileSync(legacyPid, JSON.stringify({ pid: 999_996, startTime: null, sha: legacy, startedAt: '' }));
    mkdirSync(join(fx.store.stateDir, 'runs', `${legacy}.lock`));
    // The turn of an asker killed while handing a commit over; a fresh one (someone handing over now) stays.
    const deadTurn = join(fx.store.stateDir, 'watcher', 'turns', `${legacy}.lock`);
    const liveTurn = join(fx.store.stateDir, 'watcher', 'turns', `${'e'.repeat(40)}.lock`);
    mkdirSync(deadTurn, { recursive: true });
    mkdirSync(liveTurn);
    const old = new Date(Date.now() - 60_000);
    utimesSync(deadTurn, old, old);
    const r = dw('manage', 'cleanup');
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!existsSync(paths.pid) && !existsSync(paths.lock), r.stdout);
    assert.ok(!existsSync(legacyPid) && !existsSync(join(fx.store.stateDir, 'runs', `${legacy}.lock`)));
    assert.ok(!existsSync(deadTurn) && existsSync(liveTurn), 'a dead turn goes, a fresh one stays');
    rmSync(liveTurn, { recursive: true });
    assert.equal(dw('manage', 'cleanup').stdout, '', 'quiet when there is nothing to do');
    const live = startFakeMonitor(fx.store);
    children.push(live);
    dw('manage', 'cleanup');
    assert.ok(existsSync(paths.pid), 'the live watcher keeps its PID file');
    killQuietly(live);
  });

  it('stop --all ends the watcher with SIGTERM and records every commit it followed stopped', async () => {
    const sha = fx.repo.commit('stop-me');
    await putRecord(fx.store, sha, { state: 'building' });
    const child = startFakeMonitor(fx.store, sha);
    children.push(child);
    const r = dw('manage', 'stop', '--all');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Stopped the watcher \(PID \d+, ended on SIGTERM\); \d+ commits? recorded stopped/);
    assert.ok(await waitGone(child.pid!), 'no stray process');
    const read = await fx.store.read(sha);
    assert.equal(read.status === 'ok' && read.record.state, 'stopped');
    assert.equal(dw('check', sha).code, 3);
  });

  it('stop --all escalates to SIGKILL after the grace period', async () => {
    const sha = fx.repo.commit('stubborn');
    await putRecord(fx.store, sha, { state: 'deploying' });
    const child = startFakeMonitor(fx.store, sha, { ignoreTerm: true });
    children.push(child);
    await ignoringTerm(child); // a fixed pause may end before a slow Node has its handler
    const r = dw('--json', 'manage', 'stop', '--all', '--grace', '0.3');
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { status: string; signal: string; stopped: string[] };
    assert.equal(result.signal, 'SIGKILL');
    assert.ok(result.stopped.includes(sha));
    assert.ok(await waitGone(child.pid!));
  });

  it('stop keeps an outcome already recorded, and is idempotent', async () => {
    const sha = fx.repo.commit('finished');
    await putRecord(fx.store, sha, { state: 'success' });
    const r = dw('manage', 'stop', sha);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /The watcher is not following [0-9a-f]{7}; nothing to stop/);
    const read = await fx.store.read(sha);
    assert.equal(read.status === 'ok' && read.record.state, 'success');
    assert.match(dw('manage', 'stop', '--all').stdout, /No watcher is running/);
  });

  it('stop refuses an unknown or invalid commit, or none, with 64', () => {
    const unknown = dw('manage', 'stop', 'ffffffff');
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /No monitor or status record here matches "ffffffff"/);
    assert.equal(dw('manage', 'stop', '../x').code, 64);
    // A full sha that was never watched is not stopped, and no record is invented for it.
    const never = fx.repo.commit('never-watched');
    assert.equal(dw('manage', 'stop', never).code, 64);
    assert.equal(dw('check', never, '--json').stdout.includes('"unknown":"no-record"'), true);
    const none = dw('manage', 'stop');
    assert.equal(none.code, 64);
    assert.match(none.stderr, /manage stop --all/);
  });

  it('a lock whose owner died is recovered once stale', async () => {
    const lock = join(fx.store.stateDir, 'stale-test.lock');
    mkdirSync(lock);
    const held = await tryLock(lock, lock);
    assert.equal(held.acquired, false, 'a fresh lock is respected');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const taken = await tryLock(lock, lock);
    assert.equal(taken.acquired, true, 'a stale lock is taken over');
    if (taken.acquired) await taken.release();
    assert.ok(!existsSync(lock));
  });
});
