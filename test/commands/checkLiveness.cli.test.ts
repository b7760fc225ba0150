// How check tells a live watcher that makes no progress from one that polls (README: reliability): a real
// watcher stopped with SIGSTOP, asked through the built CLI, then resumed with SIGCONT; and the record's
// next-poll time, overdue by more than a poll can take, on a process that is not stopped.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { CheckJson } from '../../src/commands/check/render.js';
import { lastWordsPath, readLastWords } from '../../src/store/files/lastWords.js';
import { STALL_SLACK_MS, stalled } from '../../src/store/outcome.js';
import { isPidLive, processState, writePidFile } from '../../src/kernel/fs/pidFile.js';
import { watcherPaths } from '../../src/store/files/stateDir.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { cliWorld, type CliWorld } from '../../support/worlds/cliWorld.js';

/** A pushed commit whose build never ends, the watcher polling it every 0.2 s: what each fault below acts on. */
const buildingWorld = () =>
  cliWorld(
    (repo) => {
      const sha = repo.commit('slow build');
      repo.git('push', '-q', '--no-verify', 'origin', 'main');
      return { deployments: [{ id: 'd1', sha, phases: [[0, 'BUILDING']] }] };
    },
    { config: { polling: { fastInterval: 0.2, slowInterval: 0.2, timeout: 120 } } },
  );

describe('check: a frozen watcher', () => {
  const worlds: CliWorld[] = [];
  after(async () => {
    for (const w of worlds) await w.close();
  });

  it('a SIGSTOPped watcher: check exits 3 "frozen" naming kill -CONT; after SIGCONT it is in progress again', async (t) => {
    if (process.platform !== 'linux') return t.skip('reads the process state from /proc');
    const w = await buildingWorld();
    worlds.push(w);
    const sha = w.repo.git('rev-parse', 'HEAD');
    assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
    await w.waitFor('the deployment building on record', () => w.record(sha)?.state === 'building');
    const pid = w.watcherPid()!;
    const check = async () => JSON.parse((await w.dw('check', sha, '--json')).stdout) as CheckJson;
    assert.equal((await check()).exitCode, 2);

    process.kill(pid, 'SIGSTOP');
    try {
      await w.waitFor('the watcher stopped', () => processState(pid) === 'T');
      const frozen = await check();
      assert.equal(frozen.exitCode, 3, frozen.message);
      assert.equal(frozen.outcome, 'not_found');
      assert.equal(frozen.unknown, 'frozen');
      assert.deepEqual(frozen.stall?.pid, pid);
      assert.equal(frozen.stall?.stopped, true);
      assert.match(frozen.message, new RegExp(`alive but makes no progress.*stopped.*kill -CONT ${pid}`));
      assert.match(frozen.message, /manage stop [0-9a-f]{7}, then deploy-watch monitor [0-9a-f]{7} --detach/);
      const human = await w.dw('check', sha);
      assert.equal(human.code, 3);
      assert.match(human.stdout, /^\? The watcher for [0-9a-f]{7} \(PID \d+\) is alive but makes no progress/);
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await w.waitFor('the watcher running', () => processState(pid) !== 'T');
    const resumed = await check();
    assert.equal(resumed.exitCode, 2, resumed.message);
    assert.equal(resumed.monitorPid, pid);
  });

  it('a record past its next poll by more than a poll can take reads frozen; within it, not', () => {
    const now = Date.parse('2026-01-01T12:00:00Z');
    const at = (ms: number) => new Date(now + ms).toISOString();
    const record = (nextPollBy: string | null) =>
      newRecord({ sha: 'a'.repeat(40), state: 'building', pid: process.pid, nextPollBy }, at(-120_000));
    // This test's own process runs (state R or S): only the record's age can tell.
    assert.equal(stalled(process.pid, record(at(-STALL_SLACK_MS + 1_000)), now), null);
    assert.equal(stalled(process.pid, record(at(5_000)), now), null);
    assert.equal(stalled(process.pid, record(null), now), null, 'an older record without the field: no guess');
    assert.deepEqual(stalled(process.pid, record(at(-STALL_SLACK_MS - 1_000)), now), {
      pid: process.pid,
      stopped: false,
      overdueMs: STALL_SLACK_MS + 1_000,
    });
  });
});

/** Mounts a small tmpfs at `dir` (root with CAP_SYS_ADMIN); the reason when it cannot. */
function mountTmpfs(dir: string, size: string): string | null {
  mkdirSync(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `needs a tmpfs mount (root with CAP_SYS_ADMIN): ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * A real watcher following a build that never ends, with its state folder (or only its records' folder, which
 * nothing holds open, so it can be remounted read-only under a running watcher) on a 256 KB tmpfs of its own.
 */
async function watcherOnTmpfs(t: { skip(why: string): void }, under = '') {
  const w = await buildingWorld();
  const stateDir = w.store.stateDir;
  const mounted = join(stateDir, under);
  const skip = mountTmpfs(mounted, '256k');
  if (skip) {
    await w.close();
    t.skip(skip);
    return null;
  }
  const sha = w.repo.git('rev-parse', 'HEAD');
  const check = async () => {
    const r = await w.dw('check', sha, '--json');
    return { ...(JSON.parse(r.stdout) as CheckJson), stdout: r.stdout };
  };
  const close = async () => {
    const pid = w.watcherPid();
    if (pid && isPidLive(pid)) process.kill(pid, 'SIGKILL');
    await w.waitFor('the watcher gone', () => !pid || !isPidLive(pid)).catch(() => undefined);
    execFileSync('umount', ['-l', mounted], { stdio: 'pipe' });
    await w.close();
  };
  try {
    assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
    await w.waitFor('the deployment building on record', () => w.record(sha)?.state === 'building');
  } catch (error) {
    await close();
    throw error;
  }
  return { w, sha, stateDir, mounted, pid: w.watcherPid()!, check, close };
}

describe('check: a watcher that cannot write its record', () => {
  it('the disk full (ENOSPC): the watcher leaves its cause in the space it set aside; check names it and the fix', async (t) => {
    const world = await watcherOnTmpfs(t);
    if (!world) return;
    const { w, sha, stateDir, pid, check, close } = world;
    try {
      const filler = join(stateDir, 'filler');
      try {
        for (;;) appendFileSync(filler, Buffer.alloc(4096, 1));
      } catch (error) {
        assert.equal((error as NodeJS.ErrnoException).code, 'ENOSPC');
      }
      await w.waitFor('the watcher to say why it stopped', () => readLastWords(lastWordsPath(stateDir, pid)) !== null);
      assert.deepEqual(
        { ...readLastWords(lastWordsPath(stateDir, pid)), at: '' },
        { code: 'ENOSPC', sha, holder: null, at: '' },
      );
      const full = await check();
      assert.equal(full.exitCode, 3, full.message);
      assert.equal(full.unknown, 'stale');
      assert.equal(full.cause?.code, 'ENOSPC');
      assert.match(
        full.message,
        /cannot record the deployment: no space is left on the disk holding .* Free space there/,
      );
      assert.doesNotMatch(full.message, /died or was killed/);
      // Space freed, the watcher gone on its own (nothing left to follow): the cause stays the answer.
      rmSync(filler);
      await w.waitFor('the watcher to leave', () => !isPidLive(pid), 15_000);
      const after = await check();
      assert.equal(after.cause?.code, 'ENOSPC', after.message);
      assert.match(after.message, new RegExp(`monitor ${sha.slice(0, 7)} --detach`));
      // Seen: manage cleanup takes the last words of a watcher that is gone.
      const cleanup = await w.dw('manage', 'cleanup', '--json');
      assert.ok((JSON.parse(cleanup.stdout) as { removed: string[] }).removed.includes(lastWordsPath(stateDir, pid)));
    } finally {
      await close();
    }
  });

  it('the file system read-only (EROFS, which stops root too): check says so and how to make it writable', async (t) => {
    const world = await watcherOnTmpfs(t, 'runs');
    if (!world) return;
    const { w, sha, pid, mounted, check, close } = world;
    try {
      execFileSync('mount', ['-o', 'remount,ro', mounted], { stdio: 'pipe' });
      const ro = await check();
      assert.equal(ro.exitCode, 3, ro.message);
      assert.equal(ro.cause?.code, 'EROFS');
      assert.match(
        ro.message,
        /the file system holding .* is read-only \(EROFS\)\. Make it writable \(for example: mount -o remount,rw\)/,
      );
      assert.doesNotMatch(ro.message, /chmod|died or was killed/);
      // The watcher's next record write fails while the folder is read-only, and it gives the commit up
      // (waited for before the remount: on a busy machine that write can come late).
      await w.waitFor(
        'the watcher to give the commit up',
        () => readLastWords(lastWordsPath(w.store.stateDir, pid)) !== null,
      );
      execFileSync('mount', ['-o', 'remount,rw', mounted], { stdio: 'pipe' });
      // Writable again: the cause stays the answer until someone asks to resume it.
      assert.equal((await check()).cause?.code, 'EROFS');
      assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
      const resumed = await check();
      assert.equal(resumed.exitCode, 2, resumed.message);
      assert.equal(resumed.cause, undefined);
    } finally {
      await close();
    }
  });
});

describe('check: a watcher whose lock was taken', () => {
  it('the lock folder replaced by another process: the watcher leaves saying who holds it, and check names that PID', async () => {
    const w = await buildingWorld();
    try {
      const sha = w.repo.git('rev-parse', 'HEAD');
      assert.equal((await w.dw('monitor', sha, '--detach')).code, 0);
      await w.waitFor('the deployment building on record', () => w.record(sha)?.state === 'building');
      const pid = w.watcherPid()!;
      // Another process (this test) registers itself and takes the lock folder away (taking it over at once
      // would race proper-lockfile's refresh, which may set its time on the new folder and never notice).
      const paths = watcherPaths(w.store.stateDir);
      writePidFile(paths.pid, { pid: process.pid, startedAt: new Date().toISOString() });
      rmSync(paths.lock, { recursive: true, force: true });
      // The loss is seen at the lock's next refresh; on a starved machine that refresh comes late (15 s was
      // not always enough in CI), so the bound is wide: it is a wait for the exit, not a sleep.
      await w.waitFor('the watcher to leave', () => !isPidLive(pid), 40_000);
      const r = await w.dw('check', sha, '--json');
      const answer = JSON.parse(r.stdout) as CheckJson;
      assert.equal(answer.exitCode, 3);
      assert.equal(answer.cause?.code, 'lock-lost');
      assert.match(
        answer.message,
        new RegExp(`lost its lock on the state folder to another process \\(PID ${process.pid}\\)`),
      );
      assert.doesNotMatch(answer.message, /died or was killed/);
    } finally {
      rmSync(watcherPaths(w.store.stateDir).pid, { force: true }); // close() kills the registered PID: this test's
      await w.close();
    }
  });
});
