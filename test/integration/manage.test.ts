// `manage status|stop|cleanup` against real detached processes, dead PIDs, reused PIDs and stale locks.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { tryLock } from '../../src/core/lock.js';
import { liveness, readPidFile } from '../../src/core/pidFile.js';
import { isAlive, putRecord, startFakeMonitor, useRepoFixture } from '../helpers/state.js';

async function waitGone(pid: number, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const info = { pid, startTime: null, sha: '', startedAt: '' };
    if (!isAlive(pid) || liveness(info) === 'dead') return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

describe('manage', () => {
  const fx = useRepoFixture();
  const { children } = fx;
  const dw = fx.dw;

  it('status says so when nothing runs', () => {
    const r = dw('manage', 'status');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No monitors are running/);
    assert.equal(dw('--json', 'manage', 'status').stdout.trim(), '[]');
  });

  it('status lists a live monitor and marks a dead one and a reused PID as stale', async () => {
    const live = fx.repo.commit('live');
    children.push(startFakeMonitor(fx.store, live));
    await putRecord(fx.store, live, { state: 'building' });
    // Dead: a PID file whose process has exited.
    const dead = fx.repo.commit('dead');
    const gone = startFakeMonitor(fx.store, dead);
    await putRecord(fx.store, dead, { state: 'deploying' });
    gone.kill('SIGKILL');
    assert.ok(await waitGone(gone.pid!));
    // Reused: the PID is alive (this test process) but its start time is not the recorded one.
    const reused = fx.repo.commit('reused');
    writeFileSync(
      fx.store.paths(reused).pid,
      JSON.stringify({ pid: process.pid, startTime: '1', sha: reused, startedAt: new Date().toISOString() }),
    );
    await putRecord(fx.store, reused, { state: 'pending' });

    const list = JSON.parse(dw('--json', 'manage', 'status').stdout) as Array<{
      sha: string;
      liveness: string;
      stale: boolean;
    }>;
    const by = new Map(list.map((m) => [m.sha, m]));
    assert.equal(by.get(live)?.liveness, 'alive');
    assert.equal(by.get(live)?.stale, false);
    assert.equal(by.get(dead)?.liveness, 'dead');
    assert.equal(by.get(reused)?.liveness, 'reused');
    const human = dw('manage', 'status').stdout;
    assert.match(human, /SHA\s+BRANCH\s+PID\s+AGE\s+STATE/);
    assert.match(human, new RegExp(`${dead.slice(0, 7)}.*stale \\(monitor gone\\)`));
    assert.match(human, new RegExp(`${reused.slice(0, 7)}.*stale \\(PID reused\\)`));
    // check agrees: an in-progress record with a dead or reused monitor has no known outcome.
    assert.equal(dw('check', dead).code, 3);
    assert.equal(dw('check', reused).code, 3);
    assert.equal(dw('check', live).code, 2);
  });

  it('cleanup removes stale PID and lock files and keeps the live ones', async () => {
    const [live] = (
      JSON.parse(dw('--json', 'manage', 'status').stdout) as Array<{ sha: string; liveness: string }>
    ).filter((m) => m.liveness === 'alive');
    const dead = fx.repo.commit('dead-with-lock');
    mkdirSync(fx.store.paths(dead).lock);
    writeFileSync(
      fx.store.paths(dead).pid,
      JSON.stringify({ pid: 999_997, startTime: null, sha: dead, startedAt: '' }),
    );
    const r = dw('manage', 'cleanup');
    assert.equal(r.code, 0);
    assert.match(r.stdout, /removed .*\.pid/);
    assert.ok(!existsSync(fx.store.paths(dead).pid) && !existsSync(fx.store.paths(dead).lock));
    assert.ok(existsSync(fx.store.paths(live!.sha).pid), 'the live monitor keeps its PID file');
    assert.equal(dw('manage', 'cleanup').stdout, '', 'quiet when there is nothing to do');
  });

  it('stop ends a real detached process with SIGTERM, records stopped, removes PID and lock', async () => {
    const sha = fx.repo.commit('stop-me');
    const child = startFakeMonitor(fx.store, sha);
    children.push(child);
    await putRecord(fx.store, sha, { state: 'building' });
    mkdirSync(fx.store.paths(sha).lock);
    const r = dw('manage', 'stop', sha.slice(0, 9));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Stopped the monitor for [0-9a-f]{7} \(PID \d+, ended on SIGTERM\)/);
    assert.ok(await waitGone(child.pid!), 'no stray process');
    const read = await fx.store.read(sha);
    assert.equal(read.status === 'ok' && read.record.state, 'stopped');
    assert.ok(!existsSync(fx.store.paths(sha).pid) && !existsSync(fx.store.paths(sha).lock));
    assert.equal(dw('check', sha).code, 3);
  });

  it('stop escalates to SIGKILL after the grace period', async () => {
    const sha = fx.repo.commit('stubborn');
    const child = startFakeMonitor(fx.store, sha, { ignoreTerm: true });
    children.push(child);
    await new Promise((r) => setTimeout(r, 150)); // let it install its SIGTERM handler
    await putRecord(fx.store, sha, { state: 'deploying' });
    const r = dw('manage', 'stop', sha, '--grace', '0.3');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /did not end on SIGTERM, killed/);
    assert.ok(await waitGone(child.pid!));
  });

  it('stop keeps an outcome the monitor already recorded, and is idempotent', async () => {
    const sha = fx.repo.commit('finished');
    await putRecord(fx.store, sha, { state: 'success' });
    const r = dw('manage', 'stop', sha);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /No monitor is running for [0-9a-f]{7}; nothing to stop/);
    const read = await fx.store.read(sha);
    assert.equal(read.status === 'ok' && read.record.state, 'success');
  });

  it('stop refuses an unknown or invalid commit with 64', () => {
    const unknown = dw('manage', 'stop', 'ffffffff');
    assert.equal(unknown.code, 64);
    assert.match(unknown.stderr, /No monitor or status record here matches "ffffffff"/);
    assert.equal(dw('manage', 'stop', '../x').code, 64);
    // A full sha that was never watched is not stopped, and no record is invented for it.
    const never = fx.repo.commit('never-watched');
    assert.equal(dw('manage', 'stop', never).code, 64);
    assert.equal(dw('check', never, '--json').stdout.includes('"unknown":"no-record"'), true);
    assert.equal(dw('manage', 'stop').code, 64);
  });

  it('a lock whose owner died is recovered once stale', async () => {
    const sha = fx.repo.commit('stale-lock');
    const { lock, record } = fx.store.paths(sha);
    mkdirSync(lock);
    const held = await tryLock(record, lock);
    assert.equal(held.acquired, false, 'a fresh lock is respected');
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const taken = await tryLock(record, lock);
    assert.equal(taken.acquired, true, 'a stale lock is taken over');
    if (taken.acquired) await taken.release();
    assert.ok(!existsSync(lock));
    assert.equal(readPidFile(fx.store.paths(sha).pid), null);
  });
});
