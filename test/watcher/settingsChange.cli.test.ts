// A lingering watcher and settings changed since it started (issue 19 item 6): a wrong DEPLOY_WATCH_APP_ID
// fixed in the environment of the next hand-over, or the config file edited. The next commit must be judged
// by the settings in force when it was handed over (asserted on what the fake API was asked and on the
// outcome), `monitor` must exit 0, and a commit the old watcher was following goes on under the new one.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isAlive } from '../../support/helpers/state.js';
import type { FakeDeployment } from '../../support/fakes/doApi.js';
import { cliAsync } from '../../support/helpers/cli.js';
import { cliWorld, strayProcesses, type CliWorld } from '../../support/worlds/cliWorld.js';

after(() => assert.deepEqual(strayProcesses(), [], 'no deploy-watch process may outlive the tests'));

const live = (id: string, sha: string): FakeDeployment => ({
  id,
  sha,
  phases: [
    [0, 'BUILDING'],
    [300, 'ACTIVE'],
  ],
});

/**
 * Commits A, B and C pushed. A deploys on app "app-old" (the app the first settings name); B and C only on
 * "app-1", the right one: under the old settings they are never found. The watcher lingers a minute.
 */
async function twoApps(): Promise<{ w: CliWorld; a: string; b: string; c: string }> {
  let a = '';
  let b = '';
  let c = '';
  const w = await cliWorld(
    (repo) => {
      a = repo.commit('a');
      b = repo.commit('b');
      c = repo.commit('c');
      repo.git('push', '-q', '--no-verify', 'origin', 'main');
      return {
        deployments: [live('dB', b), live('dC', c)],
        apps: [{ appId: 'app-old', deployments: [live('dA', a)] }],
      };
    },
    { config: { polling: { timeout: 15, linger: 60 } } },
  );
  return { w, a, b, c };
}

const appsAsked = (w: CliWorld, from: number) =>
  new Set(
    w.api
      .apiRequests()
      .slice(from)
      .map((r) => /^\/v2\/apps\/([^/]+)/.exec(r.path)?.[1] ?? r.path),
  );

function monitorIn(w: CliWorld, env: NodeJS.ProcessEnv, ...args: string[]) {
  return cliAsync(['monitor', ...args], { cwd: w.repo.dir, env: { ...w.env, ...env }, timeoutMs: 30_000 });
}

/**
 * A followed to success and C handed over under the old settings (`old`), the watcher left lingering; then B
 * handed over under the new ones (`fresh`): judged by them, monitor exits 0, and C goes on under them too
 * (its foreground monitor exits 0).
 */
async function settingsChangeWhileLingering(
  w: CliWorld,
  shas: { a: string; b: string; c: string },
  old: NodeJS.ProcessEnv,
  change: () => void,
  fresh: NodeJS.ProcessEnv,
): Promise<void> {
  const first = await monitorIn(w, old, shas.a);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  // C followed in the foreground, as an agent's `monitor <sha>` does: it must see C through the hand-on.
  const followC = monitorIn(w, old, shas.c);
  await w.waitFor('C followed under the old settings', () => (w.record(shas.c)?.polls ?? 0) > 0);
  const lingering = w.watcherPid();
  assert.ok(lingering && isAlive(lingering), 'the watcher lingers');
  assert.equal(w.record(shas.c)?.state, 'pending', 'C is not found on the app the old settings name');
  change();
  const asked = w.api.apiRequests().length;
  const second = await monitorIn(w, fresh, shas.b);
  assert.equal(second.code, 0, second.stdout + second.stderr);
  assert.equal(w.record(shas.b)?.state, 'success');
  assert.equal(w.record(shas.b)?.deploymentId, 'dB');
  assert.ok(appsAsked(w, asked).has('app-1'), 'the new settings app was asked');
  const fresher = w.watcherPid();
  assert.notEqual(fresher, lingering, 'a fresh watcher, started with the new settings');
  await w.waitFor('the lingering watcher to make way', () => !isAlive(lingering));
  // The commit the old watcher followed was handed on, not lost: the fresh watcher finds it on the right app.
  await w.waitFor('C deployed', () => w.record(shas.c)?.state === 'success', 15_000);
  assert.equal(w.record(shas.c)?.deploymentId, 'dC');
  const c = await followC;
  assert.equal(c.code, 0, `the foreground monitor of C saw it deployed: ${c.stdout}${c.stderr}`);
  const log = readFileSync(join(w.store.stateDir, 'deploy-watch.log'), 'utf8');
  assert.match(log, /"msg":"watcher settings changed"/);
}

describe('a lingering watcher and changed settings (built CLI, fake DigitalOcean)', () => {
  it('DEPLOY_WATCH_APP_ID fixed in the next hand-over environment: the next commit is judged by it, monitor exits 0', async () => {
    const { w, ...shas } = await twoApps();
    try {
      await settingsChangeWhileLingering(w, shas, { DEPLOY_WATCH_APP_ID: 'app-old' }, () => undefined, {});
    } finally {
      await w.close();
    }
  });

  it('the config file edited while the watcher lingers: the next commit is judged by the new file, monitor exits 0', async () => {
    const { w, ...shas } = await twoApps();
    try {
      const file = join(w.repo.dir, 'deploy-watch.config.json');
      const config = JSON.parse(readFileSync(file, 'utf8')) as { digitalocean: { appId: string } };
      writeFileSync(file, JSON.stringify({ ...config, digitalocean: { appId: 'app-old' } }));
      const fix = () => writeFileSync(file, JSON.stringify(config));
      await settingsChangeWhileLingering(w, shas, {}, fix, {});
    } finally {
      await w.close();
    }
  });
});
