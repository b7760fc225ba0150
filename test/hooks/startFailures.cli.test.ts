// Every start failure is on the record: a real push through husky with an invalid config, with no
// source configured, and with a state folder that cannot be used. The hook's line says what is wrong,
// `check` says why there is no outcome, nothing crashes and no push is blocked.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cli, cliAsync } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { handOver, STARTUP_WAIT_MS } from '../../src/watcher/handOver.js';
import { fakeDeps } from '../../support/helpers/fakeDeps.js';
import {
  killUnder,
  makeHookedRepo,
  processesUnder,
  setConfig,
  stateDir,
  waitFor,
} from '../../support/worlds/hookedSuite.js';

function push(repo: TestRepo, env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync('git', ['push', 'origin', 'main'], {
    cwd: repo.dir,
    env: { ...repo.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { code: r.status, stderr: r.stderr };
}

interface CheckJson {
  outcome: string;
  exitCode: number;
  unknown: string | null;
  message: string;
  record: { state: string; startFailed?: string | null } | null;
}

function checkJson(repo: TestRepo, sha: string): { code: number | null; json: CheckJson | null; stderr: string } {
  const r = cli(['check', sha, '--json'], { cwd: repo.dir, env: repo.env });
  return { code: r.code, json: r.stdout ? (JSON.parse(r.stdout) as CheckJson) : null, stderr: r.stderr };
}

describe('start failures are on the record (real pushes through husky)', () => {
  const repos: TestRepo[] = [];
  const hooked = (config: object) => {
    const repo = makeHookedRepo();
    repos.push(repo);
    setConfig(repo, config);
    repo.git('commit', '-q', '-am', 'config');
    return repo;
  };
  const settled = (repo: TestRepo) =>
    waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');
  after(() => {
    for (const repo of repos) {
      killUnder(repo.root);
      repo.cleanup();
    }
  });

  it('an invalid config: the hook names the file and key, check says "not watched" (exit 3, start-failed)', async () => {
    const repo = hooked({ polling: { fastInterval: 'x' } });
    const sha = repo.git('rev-parse', 'HEAD');
    const r = push(repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /the config is invalid, so no monitor will watch [0-9a-f]{7}: .*deploy-watch\.config\.json: "polling\.fastInterval"/,
    );
    assert.doesNotMatch(r.stderr, /will watch the deployment/);
    const seen = await waitFor(
      () => (checkJson(repo, sha).json?.record ? checkJson(repo, sha) : null),
      'a start-failed record',
    );
    assert.equal(seen.code, 3);
    assert.equal(seen.json?.unknown, 'start-failed');
    assert.equal(seen.json?.record?.state, 'stopped');
    assert.match(seen.json?.message ?? '', /^Not watched: no monitor could start: .*"polling\.fastInterval"/);
    assert.match(seen.stderr, /warning: .*"polling\.fastInterval".*answering from the status record/);
    const human = cli(['check', sha], { cwd: repo.dir, env: repo.env });
    assert.equal(human.code, 3);
    assert.match(human.stdout, /Not watched: no monitor could start/);
    const log = readFileSync(join(stateDir(repo), 'deploy-watch.log'), 'utf8');
    assert.match(log, /monitor could not start/);
    // A commit nobody pushed: no record, so the invalid config is the answer (78, the file and key).
    const local = repo.commit('local only');
    const none = cli(['check', local], { cwd: repo.dir, env: repo.env });
    assert.equal(none.code, 78, none.stdout + none.stderr);
    assert.match(none.stderr, /deploy-watch\.config\.json: "polling\.fastInterval"/);
    await settled(repo);
  });

  it('check --wait with an invalid config, for a commit pushed with --no-verify: recorded, exit 3 with the reason', async () => {
    const repo = hooked({ polling: { fastInterval: 'x' } });
    const sha = repo.git('rev-parse', 'HEAD');
    repo.git('push', '-q', '--no-verify', 'origin', 'main');
    const r = await cliAsync(['check', sha, '--wait', '10', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 3, r.stdout + r.stderr);
    const json = JSON.parse(r.stdout) as CheckJson;
    assert.equal(json.unknown, 'start-failed');
    assert.match(json.message, /"polling\.fastInterval"/);
    assert.match(r.stderr, /warning: .*"polling\.fastInterval"/);
  });

  it('no source configured: the hook says so, check says why there is no outcome', async () => {
    const repo = hooked({});
    const sha = repo.git('rev-parse', 'HEAD');
    const r = push(repo, { DIGITALOCEAN_ACCESS_TOKEN: '', DATABASE_URL: '' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /no monitor will watch [0-9a-f]{7}: No deployment source is configured/);
    const seen = await waitFor(
      () => (checkJson(repo, sha).json?.record ? checkJson(repo, sha) : null),
      'a start-failed record',
    );
    assert.equal(seen.code, 3);
    assert.equal(seen.json?.unknown, 'start-failed');
    assert.match(seen.json?.record?.startFailed ?? '', /No deployment source is configured.*DIGITALOCEAN_ACCESS_TOKEN/);
    await settled(repo);
  });

  it('a state folder that cannot be used (a file where the folder goes; works as root too): the hook and check name it', async () => {
    const repo = hooked({ health: { url: 'http://127.0.0.1:9/health' } });
    const sha = repo.git('rev-parse', 'HEAD');
    // chmod does not stop root from writing, so the state path is made a file instead.
    rmSync(stateDir(repo), { recursive: true, force: true });
    writeFileSync(stateDir(repo), 'not a folder\n');
    const r = push(repo);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      /no monitor will watch [0-9a-f]{7}: The state folder .*deploy-watch cannot be used \(ENOTDIR/,
    );
    await settled(repo);
    const check = await cliAsync(['check', sha], { cwd: repo.dir, env: repo.env });
    assert.equal(check.code, 70, check.stdout + check.stderr);
    assert.match(check.stderr, /The state folder .*deploy-watch cannot be used \(ENOTDIR.*DEPLOY_WATCH_STATE_DIR/);
    assert.doesNotMatch(check.stderr, /at .*\.js:\d+/, 'no stack trace');
    assert.equal(readFileSync(stateDir(repo), 'utf8'), 'not a folder\n', 'left as it was');
  });
});

describe('monitor --detach that cannot start', () => {
  it('exits 78 in the terminal and leaves the reason on the record for check', () => {
    const repo = makeRepo();
    try {
      writeFileSync(
        join(repo.dir, 'deploy-watch.config.json'),
        JSON.stringify({ digitalocean: { appId: 'app-1', logBudget: 'soon' } }),
      );
      const sha = repo.git('rev-parse', 'HEAD');
      const r = cli(['monitor', '--detach'], { cwd: repo.dir, env: repo.env });
      assert.equal(r.code, 78, r.stdout + r.stderr);
      assert.match(r.stderr, /"digitalocean\.logBudget"/);
      const check = checkJson(repo, sha);
      assert.equal(check.code, 3);
      assert.equal(check.json?.unknown, 'start-failed');
      assert.match(
        check.json?.message ?? '',
        /"digitalocean\.logBudget".*Once fixed, start it with: deploy-watch monitor [0-9a-f]{7} --detach/,
      );
    } finally {
      repo.cleanup();
    }
  });
});

describe('handOver (driven clock)', () => {
  it('a watcher that leaves no trace (node gone, a crash before the record) is recorded as a start failure', async () => {
    const dir = join(process.env.TMPDIR ?? '/tmp', `dw-start-${process.pid}-${Date.now()}`);
    try {
      const deps = fakeDeps(dir);
      const spawned: string[][] = [];
      deps.spawnDetached = (args) => (spawned.push([...args]), 0);
      const sha = 'a'.repeat(40);
      const started = deps.now();
      assert.deepEqual(await handOver(deps, { sha, branch: 'main', remote: 'origin' }), { status: 'not-started' });
      assert.deepEqual(spawned, [['watcher']]);
      assert.ok(deps.now() - started >= STARTUP_WAIT_MS);
      const read = await new FileStatusStore(dir).read(sha);
      assert.equal(read.status, 'ok');
      if (read.status !== 'ok') return;
      assert.equal(read.record.state, 'stopped');
      assert.match(read.record.startFailed ?? '', /left no trace within 15s/);
      assert.equal(existsSync(join(dir, 'watcher', 'turns', `${sha}.lock`)), false, 'the turn is released');
      assert.equal(existsSync(join(dir, 'watcher', 'follow', `${sha}.json`)), false, 'nothing left in the inbox');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
