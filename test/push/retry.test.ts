// The retry loop against a real remote whose hook makes pushes lose a race, with the clock
// driven: sleep only records the delays, random is scripted, so the schedule is exact.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { backoffDelay } from '../../src/push/backoff.js';
import { pushWithRetry, type RetryPolicy } from '../../src/push/pushWithRetry.js';
import { createGit } from '../../src/git/git.js';
import { cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { installRacer, installRefuser } from '../../support/push/race.js';
import { snapshot } from '../../support/push/snapshot.js';

const RULES: RetryPolicy['rules'] = [{ paths: ['ROADMAP.md'], strategy: 'checklist' }];

describe('backoff', () => {
  it('is full jitter under min(cap, base*2^(n-1))', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 7].map((n) => backoffDelay(n, 1, 30, () => 0.999)),
      [999, 1998, 3996, 7992, 15984, 29970, 29970],
    );
    assert.equal(
      backoffDelay(3, 0.05, 0.5, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(2, 0.05, 0.5, () => 0.5),
      50,
    );
  });
});

describe('push retry on a driven clock', () => {
  let repo: TestRepo;
  afterEach(() => repo?.cleanup());

  const run = async (races: number, maxAttempts: number, randoms: number[]) => {
    repo = makeRepo();
    installRacer(repo.remote, races);
    const mine = repo.commit('mine');
    const slept: number[] = [];
    const policy: RetryPolicy = { maxAttempts, backoffBase: 1, backoffCap: 30, rules: RULES };
    const report = await pushWithRetry({ remote: 'origin', branch: 'main', localBranch: 'main' }, policy, {
      git: createGit(repo.dir, repo.env),
      topLevel: repo.dir,
      sleep: async (ms) => void slept.push(ms),
      random: () => randoms.shift() ?? 0,
    });
    return { report, slept, mine };
  };

  it('retries lost races with the backoff schedule, then pushes every commit', async () => {
    const { report, slept, mine } = await run(3, 5, [0.5, 0.25, 0.999]);
    assert.equal(report.outcome, 'pushed');
    assert.deepEqual(
      report.attempts.map((a) => a.result),
      ['race', 'race', 'race', 'pushed'],
    );
    assert.match(report.attempts[0]!.reason!, /\[remote rejected\]|\[rejected\]/);
    assert.deepEqual(slept, [500, 500, 3996]);
    assert.deepEqual(
      report.attempts.slice(0, 3).map((a) => a.delayMs),
      slept,
    );
    assert.equal(report.rebases, 3, 'each retry rebased onto the racer');
    const onRemote = repo.git('--git-dir', repo.remote, 'log', '--format=%s', 'main').split('\n');
    assert.deepEqual(onRemote, ['mine', 'racer 3', 'racer 2', 'racer 1', 'initial']);
    assert.equal(report.remoteSha, repo.git('rev-parse', 'HEAD'));
    assert.notEqual(report.remoteSha, mine, 'the commit was rebased');
  });

  it('gives up after maxAttempts without sleeping after the last one, branch as it was', async () => {
    const { report, slept, mine } = await run(99, 3, [0.1, 0.1, 0.1]);
    assert.equal(report.outcome, 'gave-up');
    assert.equal(report.attempts.length, 3);
    assert.deepEqual(slept, [100, 200]);
    assert.equal(repo.git('rev-parse', 'HEAD'), mine);
    assert.equal(repo.git('status', '--porcelain'), '');
  });

  it('nothing to push is exit 0 without pushing', () => {
    repo = makeRepo();
    const r = cli(['push', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).outcome, 'up-to-date');
    assert.match(
      cli(['push'], { cwd: repo.dir, env: repo.env }).stdout,
      /Nothing to push: origin\/main already has every local commit/,
    );
  });

  it('creates the remote branch when it does not exist yet, and verifies it', () => {
    repo = makeRepo({ withRemote: false });
    repo.git('init', '-q', '--bare', '-b', 'main', repo.remote);
    repo.git('remote', 'add', 'origin', repo.remote);
    const r = cli(['push', '--json', 'origin', 'trunk'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).outcome, 'pushed');
    assert.equal(repo.git('--git-dir', repo.remote, 'rev-parse', 'trunk'), repo.git('rev-parse', 'HEAD'));
  });

  it('through the CLI: gave up is exit 75 and says so', () => {
    repo = makeRepo();
    installRacer(repo.remote, 99);
    repo.commit('mine');
    writeFileSync(
      join(repo.dir, 'deploy-watch.config.json'),
      JSON.stringify({ conflicts: { maxAttempts: 2, backoffBase: 0.001, backoffCap: 0.001 } }),
    );
    const r = cli(['push'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 75, r.stderr);
    assert.match(r.stderr, /Attempt 1\/2 lost the race/);
    assert.match(r.stderr, /Gave up after 2 attempts.*conflicts\.maxAttempts/s);
  });

  it("a hook refusal is not retried: exit 1 with git's and the hook's reason, nothing changed", () => {
    repo = makeRepo();
    installRefuser(repo.remote, 'policy: no pushes on Fridays');
    repo.commit('mine');
    const before = snapshot(repo);
    const r = cli(['push', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 1);
    const out = JSON.parse(r.stdout) as { outcome: string; attempts: number; reason: string };
    assert.equal(out.outcome, 'rejected');
    assert.equal(out.attempts, 1);
    assert.match(out.reason, /pre-receive hook declined.*no pushes on Fridays/);
    assert.deepEqual(snapshot(repo), before);
    const human = cli(['push'], { cwd: repo.dir, env: repo.env });
    assert.match(
      human.stderr,
      /origin refused the push to main: .*pre-receive hook declined.*not a race, so it was not retried/,
    );
  });
});
