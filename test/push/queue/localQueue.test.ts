// The local push queue with real processes: FIFO order, a holder killed with SIGKILL, a holder that
// hangs (on a driven clock), a push to another remote that never waits, Ctrl-C while waiting,
// --no-queue, and a push whose answer was lost on the way back.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, it } from 'node:test';
import { LocalPushQueue } from '../../../src/push/queue/localQueue.js';
import { queueFolder } from '../../../src/push/queue/queueDir.js';
import { BIN, cliAsync } from '../../../support/helpers/cli.js';
import { makeRepo, makeTempDir, type TestRepo } from '../../../support/helpers/repo.js';

const HOLDER = fileURLToPath(new URL('../../../support/push/queueHolder.js', import.meta.url));
const KEY = { url: '/srv/git/app.git', branch: 'main' };

/** Waits (polling a real condition, bounded) for something another process does. */
async function until(what: string, test: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

describe('local push queue', () => {
  const children: ChildProcess[] = [];
  let root = '';
  let repo: TestRepo | undefined;
  afterEach(() => {
    for (const child of children.splice(0))
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    repo?.cleanup();
    repo = undefined;
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const setup = () => {
    root = makeTempDir('dw-queue-');
    return { cache: join(root, 'cache'), log: join(root, 'turns.log') };
  };
  const tickets = (cache: string, key = KEY) =>
    existsSync(queueFolder(cache, key)) ? readdirSync(queueFolder(cache, key)).filter((f) => f.startsWith('t-')) : [];
  const turns = (log: string) => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean) : []);
  const holder = (cache: string, log: string, name: string, key = KEY) => {
    const child = spawn(
      process.execPath,
      [HOLDER, cache, key.url, key.branch, log, name, join(root, `release-${name}`)],
      { stdio: 'ignore' },
    );
    children.push(child);
    return child;
  };
  const releaseHolder = (name: string) => writeFileSync(join(root, `release-${name}`), '');

  /** A clone whose remote's queue is held by another process ('h') until releaseHolder('h'). */
  const repoWithHeldQueue = async () => {
    const { cache, log } = setup();
    const clone = makeRepo();
    repo = clone;
    const key = { url: clone.remote, branch: 'main' };
    holder(cache, log, 'h', key);
    await until('the holder has the turn', () => turns(log).length === 1);
    return { cache, env: { ...clone.env, DEPLOY_WATCH_CACHE_DIR: cache }, key, repo: clone };
  };

  it('gives turns in the order pushers joined (FIFO)', { timeout: 60_000 }, async () => {
    const { cache, log } = setup();
    const first = holder(cache, log, 'h');
    await until('the holder has the turn', () => turns(log).length === 1);
    const waiters = [];
    for (const name of ['w1', 'w2', 'w3', 'w4', 'w5']) {
      const before = tickets(cache).length;
      waiters.push(holder(cache, log, name));
      await until(`${name} took a ticket`, () => tickets(cache).length === before + 1);
      releaseHolder(name); // each gives its turn back as soon as it gets it
    }
    assert.deepEqual(turns(log), ['h'], 'nobody jumps the holder');
    releaseHolder('h');
    await Promise.all([first, ...waiters].map(exited));
    assert.deepEqual(turns(log), ['h', 'w1', 'w2', 'w3', 'w4', 'w5']);
    assert.deepEqual(tickets(cache), [], 'every ticket given back');
  });

  it('a holder killed with SIGKILL loses its turn at once', { timeout: 30_000 }, async () => {
    const { cache, log } = setup();
    const dead = holder(cache, log, 'h');
    await until('the holder has the turn', () => turns(log).length === 1);
    const waiter = holder(cache, log, 'w');
    await until('the waiter queued', () => tickets(cache).length === 2);
    releaseHolder('w');
    dead.kill('SIGKILL');
    assert.equal(await exited(waiter), 0);
    assert.deepEqual(turns(log), ['h', 'w']);
    assert.deepEqual(tickets(cache), [], "the dead holder's ticket was removed");
  });

  it('a live holder that hangs loses its turn after the bound, not before (driven clock)', {
    timeout: 30_000,
  }, async () => {
    const { cache, log } = setup();
    const hung = holder(cache, log, 'h');
    await until('the holder has the turn', () => turns(log).length === 1);
    let clock = 1_000_000;
    const queue = new LocalPushQueue({ cacheDir: cache, now: () => clock, turnTimeoutMs: 5_000, pollMs: 10 });
    const seen: number[] = [];
    let entered = false;
    const turn = queue.enter(KEY, { onWait: (ahead) => seen.push(ahead) }).then((t) => ((entered = true), t));
    await until('the waiter reported its place', () => seen.length > 0);
    clock += 4_999;
    const polls = seen.length;
    await new Promise((r) => setTimeout(r, 100)); // ten polls at the bound's edge
    assert.equal(entered, false, 'still waiting at 4.999 s');
    assert.equal(seen.length, polls, 'no repeated waiting messages while the count stays');
    clock += 2;
    const mine = await turn;
    assert.deepEqual(seen, [1]);
    assert.equal(mine.aheadAtStart, 1);
    assert.equal(mine.waitedMs, 5_001);
    assert.equal(hung.exitCode, null, 'the hung holder is still running, only its turn is gone');
    assert.equal(tickets(cache).length, 1, "only the new holder's ticket is left");
    await mine.release();
    assert.deepEqual(tickets(cache), []);
  });

  it('a push to a branch nobody else pushes to never waits', { timeout: 30_000 }, async () => {
    const { cache, log } = setup();
    holder(cache, log, 'h');
    await until('the holder has the turn', () => turns(log).length === 1);
    const queue = new LocalPushQueue({ cacheDir: cache, now: Date.now, turnTimeoutMs: 60_000 });
    let waited = false;
    for (const key of [
      { ...KEY, branch: 'other' },
      { ...KEY, url: '/srv/git/other.git' },
    ]) {
      const turn = await queue.enter(key, { onWait: () => (waited = true) });
      assert.equal(turn.aheadAtStart, 0);
      await turn.release();
    }
    assert.equal(waited, false);
    releaseHolder('h');
  });

  it('Ctrl-C while waiting gives the ticket back and leaves the repository untouched', {
    timeout: 30_000,
  }, async () => {
    const { cache, env, key, repo } = await repoWithHeldQueue();
    repo.commit('mine');
    const before = {
      head: repo.git('rev-parse', 'HEAD'),
      status: repo.git('status', '--porcelain'),
      remote: repo.git('ls-remote', 'origin', 'main'),
    };
    const push = spawn(process.execPath, [BIN, 'push'], { cwd: repo.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(push);
    let stderr = '';
    push.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await until('the waiting line', () => stderr.includes('waiting: 1 push ahead'));
    assert.equal(tickets(cache, key).length, 2);
    push.kill('SIGINT');
    assert.equal(await exited(push), 130, stderr);
    assert.match(stderr, /ticket was given back and nothing was changed/);
    assert.equal(stderr.split('\n').filter((l) => l.startsWith('waiting:')).length, 1, 'one line off a terminal');
    assert.equal(tickets(cache, key).length, 1, "only the holder's ticket is left");
    assert.deepEqual(
      {
        head: repo.git('rev-parse', 'HEAD'),
        status: repo.git('status', '--porcelain'),
        remote: repo.git('ls-remote', 'origin', 'main'),
      },
      before,
    );
    releaseHolder('h');
  });

  it('--no-queue pushes without waiting for the turn; --json reports the wait', { timeout: 30_000 }, async () => {
    const { cache, env, key, repo } = await repoWithHeldQueue();
    const mine = repo.commit('raced');
    const raced = await cliAsync(['push', '--no-queue', '--json'], { cwd: repo.dir, env });
    assert.equal(raced.code, 0, raced.stderr);
    assert.equal(JSON.parse(raced.stdout).queue, null);
    assert.equal(repo.git('ls-remote', 'origin', 'refs/heads/main').split('\t')[0], mine);
    assert.equal(tickets(cache, key).length, 1, 'the holder still holds its turn');

    repo.commit('queued');
    const queued = cliAsync(['push', '--json'], { cwd: repo.dir, env });
    await until('the queued push took a ticket', () => tickets(cache, key).length === 2);
    releaseHolder('h');
    const r = await queued;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      r.stderr
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l)),
      [{ event: 'waiting', ahead: 1 }],
    );
    const result = JSON.parse(r.stdout);
    assert.equal(result.queue.ahead, 1);
    assert.ok(result.queue.waitedMs > 0);
  });
});

describe('a push whose answer was lost', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  /** The remote's receive-pack is killed once, at `state` of the ref transaction, before it can answer. */
  const dropConnection = (state: 'prepared' | 'committed') => {
    const hook = join(repo.remote, 'hooks', 'reference-transaction');
    writeFileSync(
      hook,
      `#!/bin/sh\ncat >/dev/null\n[ "$1" = ${state} ] || exit 0\n[ -e dropped ] && exit 0\ntouch dropped\nkill -9 $PPID\n`,
    );
    chmodSync(hook, 0o755);
  };

  it('landed: asks the remote and reports it pushed, once', { timeout: 30_000 }, async () => {
    repo = makeRepo();
    dropConnection('committed');
    const mine = repo.commit('mine');
    const r = await cliAsync(['push', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const result = JSON.parse(r.stdout);
    assert.equal(result.outcome, 'pushed');
    assert.equal(result.attempts, 1, 'not pushed twice');
    assert.match(result.log[0].reason, /answer lost .*ls-remote shows the push landed/);
    assert.equal(repo.git('ls-remote', 'origin', 'refs/heads/main').split('\t')[0], mine);
    assert.ok(existsSync(join(repo.remote, 'dropped')), 'the connection really was dropped');
  });

  it('not landed: reports the failure, branch as before', { timeout: 30_000 }, async () => {
    repo = makeRepo();
    const remoteBefore = repo.git('ls-remote', 'origin', 'refs/heads/main');
    dropConnection('prepared');
    const mine = repo.commit('mine');
    const r = await cliAsync(['push', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(JSON.parse(r.stdout).outcome, 'rejected');
    assert.equal(repo.git('ls-remote', 'origin', 'refs/heads/main'), remoteBefore);
    assert.equal(repo.git('rev-parse', 'HEAD'), mine);
  });
});
