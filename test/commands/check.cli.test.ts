// `deploy-watch check` through the built CLI, in real repositories: every exit code, --json, --wait.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { join } from 'node:path';
import { cli, cliAsync } from '../../support/helpers/cli.js';
import { putRecord, startFakeMonitor, useRepoFixture } from '../../support/helpers/state.js';

describe('check', () => {
  const fx = useRepoFixture();
  const { children } = fx;
  const check = (...args: string[]) => fx.dw('check', ...args);

  it('exits 3 with how to start a monitor when there is no record', () => {
    const r = check();
    assert.equal(r.code, 3);
    assert.match(r.stdout, /No deployment record for [0-9a-f]{7}/);
    assert.match(r.stdout, /deploy-watch monitor [0-9a-f]{7} --detach/);
  });

  it('exits 0 for a deployed commit and names the deployment', async () => {
    const sha = fx.repo.commit('deployed');
    await putRecord(fx.store, sha, {
      state: 'success',
      source: 'digitalocean',
      deploymentId: 'dep-123',
      phase: 'ACTIVE',
      finishedAt: new Date().toISOString(),
    });
    const r = check();
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /✓ deployed [0-9a-f]{7} \(main → origin\) · deployment dep-123 · ACTIVE · via digitalocean · finished \d+s ago/,
    );
    assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour without a TTY');
  });

  it('exits 1 on failure and prints the last 20 lines of the log', async () => {
    const sha = fx.repo.commit('broken');
    await putRecord(fx.store, sha, {
      state: 'failed',
      phase: 'ERROR',
      source: 'digitalocean',
      finishedAt: new Date().toISOString(),
    });
    const lines = Array.from({ length: 30 }, (_, i) => `build line ${i + 1}`);
    await fx.store.writeLog(sha, `${lines.join('\n')}\n`);
    const r = check(sha.slice(0, 8));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /✗ failed/);
    assert.match(r.stdout, /Last 20 lines of the log/);
    assert.ok(r.stdout.includes('build line 30') && r.stdout.includes('build line 11'));
    assert.ok(!r.stdout.includes('build line 10\n'), 'only the last 20 lines');
  });

  it('a one-line log is "the last line of the log", not "1 log lines"', async () => {
    const sha = fx.repo.commit('broken in one line');
    await putRecord(fx.store, sha, { state: 'failed', phase: 'ERROR', finishedAt: new Date().toISOString() });
    await fx.store.writeLog(sha, 'the only line\n');
    const r = check(sha.slice(0, 8));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /Last line of the log \(/);
    assert.doesNotMatch(r.stdout, /1 log lines/);
  });

  for (const state of ['canceled', 'timeout', 'superseded'] as const) {
    it(`exits 1 for ${state}`, async () => {
      const sha = fx.repo.commit(`state-${state}`);
      await putRecord(fx.store, sha, { state, finishedAt: new Date().toISOString() });
      assert.equal(check(sha).code, 1);
    });
  }

  it('exits 2 while a live monitor watches an in-progress deployment', async () => {
    const sha = fx.repo.commit('building');
    children.push(startFakeMonitor(fx.store, sha));
    await putRecord(fx.store, sha, { state: 'building', phase: 'BUILDING', polls: 3 });
    const r = check(sha);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stdout, /… building .* 3 polls .* watcher PID \d+/);
  });

  it('exits 3 and says "stale" when the monitor of an in-progress record is dead', async () => {
    const sha = fx.repo.commit('orphaned');
    await putRecord(fx.store, sha, { state: 'deploying', pid: 999_999 });
    const r = check(sha, '--json');
    assert.equal(r.code, 3);
    const json = JSON.parse(r.stdout);
    assert.equal(json.unknown, 'stale');
    assert.equal(json.record.state, 'deploying');
  });

  it('exits 3 for a stopped monitor', async () => {
    const sha = fx.repo.commit('stopped');
    await putRecord(fx.store, sha, { state: 'stopped', finishedAt: new Date().toISOString() });
    const r = check(sha);
    assert.equal(r.code, 3);
    assert.match(r.stdout, /was stopped .* Resume with: deploy-watch monitor/);
  });

  it('--json prints one object with the record on stdout and nothing else', async () => {
    const sha = fx.repo.commit('json');
    await putRecord(fx.store, sha, { state: 'success', deploymentId: 'd-1' });
    const r = check('--json', sha);
    assert.equal(r.code, 0);
    const json = JSON.parse(r.stdout);
    assert.deepEqual(Object.keys(json).sort(), [
      'exitCode',
      'logTail',
      'message',
      'monitorPid',
      'outcome',
      'record',
      'sha',
      'unknown',
    ]);
    assert.equal(json.outcome, 'success');
    assert.equal(json.record.sha, sha);
    assert.equal(json.record.deploymentId, 'd-1');
  });

  it('resolves HEAD~1, a branch name and a unique prefix; refuses an ambiguous prefix', async () => {
    const first = fx.repo.commit('ref-a');
    await putRecord(fx.store, first, { state: 'success' });
    fx.repo.commit('ref-b');
    assert.equal(check('HEAD~1').code, 0);
    assert.equal(JSON.parse(check('--json', 'HEAD~1').stdout).sha, first);
    // Two records that share a 4-digit prefix make that prefix ambiguous.
    const fakeA = `abcd${'1'.repeat(36)}`;
    const fakeB = `abcd${'2'.repeat(36)}`;
    await putRecord(fx.store, fakeA, { state: 'success' });
    await putRecord(fx.store, fakeB, { state: 'failed' });
    const r = check('abcd');
    assert.equal(r.code, 64);
    assert.match(r.stderr, /matches 2 commits .* Give more digits/);
    assert.equal(check('abcd1').code, 0);
  });

  it('--wait returns within a second of the outcome being written', async () => {
    const sha = fx.repo.commit('wait-for-me');
    const child = startFakeMonitor(fx.store, sha);
    children.push(child);
    await putRecord(fx.store, sha, { state: 'building' });
    const started = Date.now();
    const pending = cliAsync(['check', sha, '--wait', '20'], { cwd: fx.repo.dir, env: fx.repo.env });
    await new Promise((r) => setTimeout(r, 700));
    const writtenAt = Date.now();
    await putRecord(fx.store, sha, { state: 'success', finishedAt: new Date().toISOString() });
    const r = await pending;
    const returnedAt = Date.now();
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(returnedAt - writtenAt < 1000, `returned ${returnedAt - writtenAt} ms after the outcome`);
    assert.ok(writtenAt - started >= 600, 'it really waited');
  });

  it('--wait waits for a record that has not appeared yet, and exits 2 when time is up', async () => {
    const sha = fx.repo.commit('never-watched');
    const r = cli(['check', sha, '--wait', '0.6'], { cwd: fx.repo.dir, env: fx.repo.env });
    assert.equal(r.code, 3, 'no record and nobody to start one: still unknown after the wait');
    const building = fx.repo.commit('slow');
    children.push(startFakeMonitor(fx.store, building));
    await putRecord(fx.store, building, { state: 'building' });
    const t = Date.now();
    const r2 = cli(['check', building, '--wait', '0.5'], { cwd: fx.repo.dir, env: fx.repo.env });
    assert.equal(r2.code, 2);
    assert.match(r2.stdout, /Still no outcome after waiting 0.5s/);
    assert.ok(Date.now() - t >= 500);
  });

  it('--wait ends at once with 3 when the monitor is dead', async () => {
    const sha = fx.repo.commit('dead-monitor');
    await putRecord(fx.store, sha, { state: 'building', pid: 999_998 });
    const t = Date.now();
    const r = cli(['check', sha, '--wait', '30'], { cwd: fx.repo.dir, env: fx.repo.env });
    assert.equal(r.code, 3);
    assert.ok(Date.now() - t < 5000, 'did not wait for the full 30 s');
  });

  it('works from a subfolder and from a linked worktree (state is shared)', async () => {
    const sha = fx.repo.git('rev-parse', 'HEAD');
    await putRecord(fx.store, sha, { state: 'success' });
    const sub = join(fx.repo.dir, 'nested', 'deeper');
    fx.repo.commit('nested', { 'nested/deeper/file.txt': 'x\n' });
    await putRecord(fx.store, fx.repo.git('rev-parse', 'HEAD'), { state: 'success' });
    assert.equal(cli(['check'], { cwd: sub, env: fx.repo.env }).code, 0);
    const wt = join(fx.repo.root, 'wt');
    fx.repo.git('worktree', 'add', '-q', '--detach', wt, sha);
    assert.equal(cli(['check'], { cwd: wt, env: fx.repo.env }).code, 0);
    assert.equal(cli(['--cwd', wt, 'check', '--json'], { cwd: fx.repo.root, env: fx.repo.env }).code, 0);
  });

  it('--all lists recent commits newest first with state, duration and source', async () => {
    const older = fx.repo.commit('history-old');
    const newer = fx.repo.commit('history-new');
    const t0 = Date.now() + 60_000; // later than every record written above
    await putRecord(fx.store, older, {
      state: 'failed',
      source: 'digitalocean',
      startedAt: new Date(t0).toISOString(),
      finishedAt: new Date(t0 + 95_000).toISOString(),
    });
    await putRecord(fx.store, newer, {
      state: 'success',
      source: 'health',
      startedAt: new Date(t0 + 1000).toISOString(),
      finishedAt: new Date(t0 + 31_000).toISOString(),
    });
    const json = JSON.parse(check('--all', '--limit', '2', '--json').stdout) as Array<{
      sha: string;
      state: string;
      durationMs: number;
      source: string;
    }>;
    assert.deepEqual(
      json.map((e) => [e.sha, e.state, e.durationMs, e.source]),
      [
        [newer, 'success', 30_000, 'health'],
        [older, 'failed', 95_000, 'digitalocean'],
      ],
    );
    const human = check('--all', '--limit', '2');
    assert.equal(human.code, 0);
    assert.match(
      human.stdout,
      /SHA\s+BRANCH\s+STATE\s+DURATION\s+SOURCE\s+STARTED\n[0-9a-f]{7}\s+main\s+success\s+30s\s+health/,
    );
    assert.match(human.stdout, /failed\s+1m 35s\s+digitalocean/);
    assert.equal(check('--all', older).code, 64);
  });

  it('answers outside a repository with 64 and what to do', () => {
    const r = cli(['check'], { cwd: fx.repo.root, env: fx.repo.env });
    assert.equal(r.code, 64);
    assert.match(
      r.stderr,
      /is not inside a git repository\. Run deploy-watch from your project's folder, or pass --cwd/,
    );
  });
});
