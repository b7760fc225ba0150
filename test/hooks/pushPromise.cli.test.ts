// The push's line tells the truth about whether a monitor will start, on the shell path too: that path
// took over from a cache written while everything was ready, and kept saying "will watch" after the
// token left the environment or the state folder became read-only; the monitor then failed to start.
import { accessSync, chmodSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TestRepo } from '../../support/helpers/repo.js';
import { CACHE_FILE } from '../../src/hooks/hookCache.js';
import {
  hookedSuite,
  makeHookedRepo,
  makeQuickRepo,
  processesUnder,
  pushOk,
  setConfig,
  stateDir,
  waitFor,
} from '../../support/worlds/hookedSuite.js';

const APP_ID = '4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf';
/** Nothing listens there: a monitor that starts fails to reach it, and nothing leaves 127.0.0.1. */
const NO_API = { DEPLOY_WATCH_DO_API_URL: 'http://127.0.0.1:9' };

function pushNew(repo: TestRepo, name: string, env: NodeJS.ProcessEnv): { short: string; stderr: string } {
  const sha = repo.commit(name);
  const stderr = pushOk(repo, ['origin', 'main'], env);
  return { short: sha.slice(0, 7), stderr };
}

const cacheOf = (repo: TestRepo) => join(repo.dir, '.git', CACHE_FILE);
const promised = (r: { short: string; stderr: string }) =>
  new RegExp(`will watch the deployment of ${r.short}`).test(r.stderr);

describe('hooks: the push line tells whether a monitor will start', () => {
  const { repos, health } = hookedSuite();

  it('with appId set and the token gone from the environment, the push says no monitor will start (both token names count)', () => {
    const repo = makeHookedRepo();
    repos.push(repo);
    setConfig(repo, { digitalocean: { appId: APP_ID } });
    repo.git('commit', '-q', '-am', 'a DigitalOcean app');
    const ready = pushNew(repo, 'with a token', { ...NO_API, DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_test' });
    assert.ok(promised(ready), ready.stderr);
    assert.ok(existsSync(cacheOf(repo)), 'the shell path may take the next push');

    const gone = pushNew(repo, 'without a token', NO_API);
    assert.ok(!promised(gone), `no promise without a token: ${gone.stderr}`);
    assert.match(gone.stderr, new RegExp(`no monitor will watch ${gone.short}: .*DIGITALOCEAN_ACCESS_TOKEN`));

    for (const round of ['Node', 'shell']) {
      const other = pushNew(repo, `DIGITALOCEAN_TOKEN, ${round} path`, {
        ...NO_API,
        DIGITALOCEAN_TOKEN: 'dop_v1_test',
      });
      assert.ok(promised(other), `DIGITALOCEAN_TOKEN counts as the token (${round} path): ${other.stderr}`);
    }
  });

  it('with the state folder read-only, the push says no monitor will start instead of "will watch"', async (t) => {
    const repo = makeQuickRepo(repos, health());
    repo.git('commit', '-q', '-am', 'a health source');
    const ready = pushNew(repo, 'state folder writable', {});
    assert.ok(promised(ready), ready.stderr);
    assert.ok(existsSync(cacheOf(repo)), 'the shell path may take the next push');
    await waitFor(() => processesUnder(repo.root).length === 0, 'the first monitor to end');

    // Root writes through a folder's mode bits: a read-only file system's folder stands in for it there.
    let env: NodeJS.ProcessEnv = {};
    const dir = stateDir(repo);
    if (process.getuid?.() === 0) {
      const readOnly = ['/proc/sys'].find((d) => !writable(d));
      if (!readOnly) return t.skip('running as root with no read-only folder to point the state folder at');
      env = { DEPLOY_WATCH_STATE_DIR: readOnly };
    } else {
      mkdirSync(join(dir, 'runs'), { recursive: true });
      chmodSync(dir, 0o555);
      t.after(() => chmodSync(dir, 0o755));
    }
    const refused = pushNew(repo, 'state folder read-only', env);
    assert.ok(!promised(refused), `no promise: ${refused.stderr}`);
    assert.match(
      refused.stderr,
      new RegExp(`no monitor will watch ${refused.short}: The state folder .* cannot be used`),
    );
  });
});

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
