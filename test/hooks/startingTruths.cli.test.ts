// Issue 19 item 8: `watch` starts a monitor for a pushed commit nobody watches, as `check --wait` does; and
// `check` in the second after a push says it is being handed to the watcher (exit 2), not "no watcher has followed".
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { BIN, cli, cliAsync } from '../../support/helpers/cli.js';
import type { TestRepo } from '../../support/helpers/repo.js';
import { storeFor } from '../../support/helpers/state.js';
import {
  hookedSuite,
  makeHookedRepo,
  processesUnder,
  setConfig,
  stateDir,
  waitFor,
} from '../../support/worlds/hookedSuite.js';

describe('a monitor on its way (issue 19, item 8)', () => {
  const { repos } = hookedSuite();
  // A health endpoint that names the commit it serves (the remote's main), so it can say "deployed" truly.
  let server: Server;
  let url = '';
  const serving = { sha: '' };
  before(async () => {
    server = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, commit: serving.sha })),
    );
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/health`;
  });
  const children: ChildProcess[] = [];
  after(async () => {
    for (const c of children) c.kill('SIGKILL');
    await new Promise((r) => server.close(r));
  });
  const hooked = () => {
    const repo = makeHookedRepo();
    repos.push(repo);
    setConfig(repo, {
      health: { url },
      polling: { fastInterval: 1, fastFor: 5, slowInterval: 1, timeout: 20, linger: 0 },
    });
    return repo;
  };
  const gitPush = (repo: TestRepo, args: string[]) =>
    spawnSync('git', ['push', ...args], { cwd: repo.dir, env: repo.env, encoding: 'utf8', timeout: 30_000 });
  const recordOf = (repo: TestRepo, sha: string) => join(stateDir(repo), 'runs', `${sha}.json`);

  it('watch <sha> starts a monitor for a pushed commit with no record (hooks skipped), as check --wait does', async () => {
    const repo = hooked();
    const sha = repo.commit('pushed without hooks');
    serving.sha = sha;
    assert.equal(gitPush(repo, ['--no-verify', 'origin', 'main']).status, 0);
    assert.equal(existsSync(recordOf(repo, sha)), false, 'nothing watches it yet');
    const r = await cliAsync(['watch', sha, '--appear-timeout', '20', '--interval', '0.1'], {
      cwd: repo.dir,
      env: repo.env,
    });
    assert.ok(existsSync(recordOf(repo, sha)), `a monitor recorded the commit:\n${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stdout, /No deployment record/);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    await waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');
  });

  it('check says "a monitor is starting" (exit 2) while the post-push step or the inbox holds the commit', async () => {
    const repo = hooked();
    const sha = repo.commit('about to be watched');
    const check = () => cli(['check', sha], { cwd: repo.dir, env: repo.env });
    const checkJson = () => JSON.parse(cli(['check', sha, '--json'], { cwd: repo.dir, env: repo.env }).stdout);
    assert.equal(check().code, 3, 'nothing is on its way yet');

    // The pre-push hook's post-push step, still waiting for git to exit: the hook marked the commit with its
    // PID (store/files/pushMarks.ts), as the shell path writes it.
    const waiting = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(waiting);
    await waitFor(() => waiting.pid !== undefined, 'the stand-in to start');
    mkdirSync(join(stateDir(repo), 'pushing'), { recursive: true });
    writeFileSync(join(stateDir(repo), 'pushing', sha), `${waiting.pid}\n`);
    const r = check();
    assert.equal(r.code, 2, r.stdout);
    assert.match(r.stdout, new RegExp(`${sha.slice(0, 7)} is being handed to the watcher`));
    assert.doesNotMatch(r.stdout, /no watcher has followed|no monitor has watched/);
    const json = checkJson();
    assert.equal(json.outcome, 'in_progress');
    assert.equal(json.exitCode, 2);
    assert.equal(json.monitorPid, waiting.pid);
    assert.equal(json.record, null);
    // The same PID with another start time is another process that reused it: not the step.
    writeFileSync(join(stateDir(repo), 'pushing', sha), `${waiting.pid} 1\n`);
    assert.equal(check().code, 3, 'a reused PID is no step');
    writeFileSync(join(stateDir(repo), 'pushing', sha), `${waiting.pid}\n`);
    waiting.kill('SIGKILL');
    await new Promise((r) => waiting.once('exit', r));
    assert.equal(check().code, 3, 'gone without a record: no outcome known again');
    // What the gone step left behind goes with `manage cleanup`.
    const cleaned = cli(['manage', 'cleanup'], { cwd: repo.dir, env: repo.env });
    assert.equal(cleaned.code, 0, cleaned.stderr);
    assert.ok(!existsSync(join(stateDir(repo), 'pushing', sha)), 'the stale mark removed');

    // The commit in the watcher's inbox, handed over a moment ago, no watcher up yet.
    const store = storeFor(join(repo.dir, '.git'));
    await store.requestFollow({ sha, branch: 'main', remote: 'origin', requestedAt: new Date().toISOString() });
    assert.equal(check().code, 2);
    // A request left behind long ago, with no watcher to take it, is not a monitor starting.
    await store.requestFollow({
      sha,
      branch: 'main',
      remote: 'origin',
      requestedAt: new Date(Date.now() - 120_000).toISOString(),
    });
    assert.equal(check().code, 3);
    await store.dropFollowRequest(sha);
  });

  it('a post-push step started by a hook script from before the marks marks the commit itself while it waits', async () => {
    const repo = hooked();
    const sha = repo.commit('pushed by an old hook');
    // The push, still running: a process the step waits for (its start time unknown, as on macOS).
    const pushing = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    children.push(pushing);
    await waitFor(() => pushing.pid !== undefined, 'the stand-in push to start');
    const step = spawn(
      process.execPath,
      [BIN, 'hook', 'watch', sha, '--branch', 'main', '--remote', 'origin', '--pid', String(pushing.pid)],
      { cwd: repo.dir, env: repo.env, stdio: 'ignore' },
    );
    children.push(step);
    const mark = join(stateDir(repo), 'pushing', sha);
    await waitFor(() => existsSync(mark), 'the step to mark the commit');
    assert.equal(readFileSync(mark, 'utf8').split(' ')[0], String(step.pid));
    const r = JSON.parse(cli(['check', sha, '--json'], { cwd: repo.dir, env: repo.env }).stdout);
    assert.deepEqual([r.outcome, r.monitorPid], ['in_progress', step.pid]);
    // The push ends without moving origin/main (rejected): the step leaves, and its mark with it.
    pushing.kill('SIGKILL');
    await new Promise((done) => step.once('exit', done));
    assert.ok(!existsSync(mark), 'the step removed its mark');
    assert.equal(cli(['check', sha], { cwd: repo.dir, env: repo.env }).code, 3);
  });

  it('while a hooked push is still in flight, check says the commit is on its way, on the Node and the shell path', async () => {
    const repo = hooked();
    // The remote's pre-receive hook runs while the client's `git push` (and the post-push step waiting for it)
    // is alive: it asks check in the pushing clone, as an agent would in that second.
    const seen = join(repo.root, 'seen-during-push');
    const hook = join(repo.remote, 'hooks', 'pre-receive');
    writeFileSync(
      hook,
      [
        '#!/bin/sh',
        'read -r old new ref',
        'unset GIT_DIR GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES GIT_PUSH_OPTION_COUNT',
        `cd ${JSON.stringify(repo.dir)} && ${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} check "$new" --json >> ${JSON.stringify(seen)}`,
        'exit 0',
        '',
      ].join('\n'),
    );
    chmodSync(hook, 0o755);
    for (const path of ['Node (no cache yet)', 'shell (the cache the first push wrote)']) {
      const sha = repo.commit(`pushed by the ${path} path`);
      serving.sha = sha;
      rmSync(seen, { force: true });
      const push = gitPush(repo, ['origin', 'main']);
      assert.equal(push.status, 0, push.stderr);
      const answer = JSON.parse(readFileSync(seen, 'utf8')) as { sha: string; outcome: string; exitCode: number };
      assert.equal(answer.sha, sha);
      assert.deepEqual([answer.outcome, answer.exitCode], ['in_progress', 2], `${path}: ${JSON.stringify(answer)}`);
      await waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');
      assert.ok(!existsSync(join(stateDir(repo), 'pushing', sha)), `${path}: the step removed its mark`);
    }
    assert.ok(existsSync(join(repo.dir, '.git', 'deploy-watch-hook-cache.sh')), 'the second push could take the shell');
  });

  it('right after a real hooked push, check never says "no monitor has watched"', async () => {
    const repo = hooked();
    const sha = repo.commit('checked at once');
    serving.sha = sha;
    const push = gitPush(repo, ['origin', 'main']);
    assert.equal(push.status, 0, push.stderr);
    const r = cli(['check', sha], { cwd: repo.dir, env: repo.env });
    assert.doesNotMatch(r.stdout, /no watcher has followed|no monitor has watched/, r.stdout);
    assert.ok(r.code === 0 || r.code === 2, `exit ${r.code}: ${r.stdout}`);
    await waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');
  });
});
