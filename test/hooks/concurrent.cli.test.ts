// Ten pushes of one commit at once (ten worktrees of one clone, as ten agents would have) start one monitor.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import { git, type TestRepo } from '../../support/helpers/repo.js';
import {
  installNodeModules,
  killUnder,
  makeHookedRepo,
  processesUnder,
  setConfig,
  startHealth,
  waitFor,
  watcherVerdicts,
  type HealthServer,
} from '../../support/worlds/hookedSuite.js';

const HUSKY_BIN = fileURLToPath(new URL('../../../node_modules/husky/bin.js', import.meta.url));
const PUSHES = 10;

function pushAsync(cwd: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn('git', ['push', '-q', 'origin', 'HEAD:main'], { cwd, env, stdio: 'ignore' });
    child.on('close', resolve);
  });
}

describe('hooks: concurrent pushes of one commit', () => {
  let repo: TestRepo | undefined;
  let health: HealthServer | undefined;
  after(async () => {
    if (repo) {
      killUnder(repo.root);
      repo.cleanup();
    }
    await health?.close();
  });

  it(`${PUSHES} pushes at once start one monitor`, async () => {
    health = await startHealth();
    repo = makeHookedRepo();
    setConfig(repo, {
      health: { url: health.urlFor(repo) },
      polling: { fastInterval: 1, fastFor: 5, slowInterval: 1, timeout: 20, linger: 0 },
    });
    const sha = repo.commit('configure and deploy', {
      'deploy-watch.config.json': `${JSON.stringify({ health: { url: health.urlFor(repo) }, polling: { linger: 0 } })}\n`,
    });
    const trees: string[] = [];
    for (let i = 0; i < PUSHES; i++) {
      const tree = join(repo.root, `wt${i}`);
      repo.git('worktree', 'add', '-q', '--detach', tree, sha);
      installNodeModules(tree);
      assert.equal(spawnSync(process.execPath, [HUSKY_BIN], { cwd: tree, env: repo.env, stdio: 'ignore' }).status, 0);
      trees.push(tree);
    }
    const codes = await Promise.all(trees.map((tree) => pushAsync(tree, repo!.env)));
    assert.ok(codes.includes(0), `no push succeeded: ${codes.join(',')}`);
    assert.equal(git(repo.remote, ['rev-parse', 'main']), sha);
    await waitFor(() => processesUnder(repo!.root).length === 0, 'watchers and monitors to end', 30_000);
    const verdicts = watcherVerdicts(repo, sha);
    assert.ok(verdicts.includes('accepted'), `verdicts: ${verdicts.join(',')}`);
    const check = JSON.parse(cli(['check', sha, '--json'], { cwd: repo.dir, env: repo.env }).stdout) as {
      record: { state: string; sha: string };
    };
    assert.equal(check.record.state, 'success');
    assert.equal(health.hits(), 1, 'one monitor, one poll of the health endpoint');
  });
});
