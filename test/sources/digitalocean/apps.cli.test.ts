// Several apps per push through the built CLI: a real hooked push, then `check --wait`, `logs` and
// `doctor` against the fake API serving three apps (api and web deploy on a push to main, docs does not).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { cliAsync } from '../../../support/helpers/cli.js';
import { holds, SHAPES } from '../../../support/helpers/jsonShapes.js';
import type { TestRepo } from '../../../support/helpers/repo.js';
import {
  hookedSuite,
  makeHookedRepo,
  processesUnder,
  setConfig,
  waitFor,
} from '../../../support/worlds/hookedSuite.js';
import { pushSpec, start } from '../../../support/fakes/doApi.js';

const TOKEN = 'dop_v1_apps_token';
const APPS = [
  { id: 'api-1', name: 'api' },
  { id: 'web-1', name: 'web' },
  { id: 'docs-1', name: 'docs' },
];

/** git push without blocking this process's event loop: the fake API lives here and must answer meanwhile. */
function push(repo: TestRepo, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('git', ['push', 'origin', 'main'], { cwd: repo.dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('several apps per push (built CLI)', () => {
  const { repos } = hookedSuite();

  it('one app of two fails: check --wait exits 1 naming it, logs come from that app, doctor checks each', async () => {
    const repo = makeHookedRepo();
    repos.push(repo);
    const sha = repo.commit('api and web change');
    const api = await start({
      appId: 'api-1',
      token: TOKEN,
      deployments: [
        {
          id: 'd-api',
          sha,
          phases: [
            [0, 'BUILDING'],
            [800, 'ACTIVE'],
          ],
        },
      ],
      apps: [
        {
          appId: 'web-1',
          deployments: [
            {
              id: 'd-web',
              sha,
              phases: [
                [0, 'BUILDING'],
                [500, 'ERROR'],
              ],
              logs: { BUILD: 'vite build\nnpm ERR! web build broke\n' },
            },
          ],
        },
        { appId: 'docs-1', spec: pushSpec('docs', 'gh-pages'), deployments: [] },
      ],
    });
    try {
      setConfig(repo, {
        digitalocean: { apps: APPS, logBudget: 10 },
        polling: { fastInterval: 0.1, fastFor: 0, slowInterval: 0.1, timeout: 20, linger: 0 },
      });
      const env = { ...repo.env, DIGITALOCEAN_ACCESS_TOKEN: TOKEN, DEPLOY_WATCH_DO_API_URL: api.url };
      const dw = (...args: string[]) => cliAsync(args, { cwd: repo.dir, env, timeoutMs: 30_000 });

      const pushed = await push(repo, env);
      assert.equal(pushed.code, 0, pushed.stderr);
      const check = await dw('check', sha, '--wait', '20');
      assert.equal(check.code, 1, check.stdout + check.stderr);
      assert.match(
        check.stdout,
        /✗ failed \w+ \(main → origin\) · app web · deployment d-web · ERROR · via digitalocean/,
      );
      assert.match(check.stdout, /web: deployment failed at build/);
      assert.match(check.stdout, /npm ERR! web build broke/);

      const json = JSON.parse((await dw('--json', 'check', sha)).stdout) as {
        record: { app: unknown; deploymentId: string; state: string };
      };
      holds(json, SHAPES['check --json']!);
      assert.deepEqual(json.record.app, { id: 'web-1', name: 'web' });
      assert.equal(json.record.deploymentId, 'd-web');

      const logs = await dw('--json', 'logs', sha);
      assert.equal(logs.code, 0, logs.stderr);
      assert.equal((JSON.parse(logs.stdout) as { deploymentId: string }).deploymentId, 'd-web');
      const logCalls = api.apiRequests().filter((q) => q.path.endsWith('/logs'));
      assert.ok(logCalls.length > 0 && logCalls.every((q) => q.path.startsWith('/v2/apps/web-1/')));
      const other = await dw('--json', 'logs', sha, '--app', 'api');
      assert.equal((JSON.parse(other.stdout) as { deploymentId: string }).deploymentId, 'd-api', other.stderr);
      assert.ok(api.apiRequests().some((q) => q.path === '/v2/apps/api-1/deployments/d-api/logs'));
      const wrongApp = await dw('logs', sha, '--app', 'mobile');
      assert.equal(wrongApp.code, 64);
      assert.match(wrongApp.stderr, /--app "mobile" names no app in digitalocean\.apps; the apps are: api, web, docs/);

      const specReads = () => api.apiRequests().filter((q) => /^\/v2\/apps\/[^/]+$/.test(q.path)).length;
      const before = specReads();
      const doctor = JSON.parse((await dw('--json', 'doctor')).stdout) as Array<{ name: string; verdict: string }>;
      assert.equal(specReads() - before, 3, 'one GET per app');
      const verdict = (name: string) => doctor.find((c) => c.name === name)?.verdict;
      assert.equal(verdict('DigitalOcean token'), 'pass');
      for (const name of ['api', 'web', 'docs']) assert.equal(verdict(`DigitalOcean app ${name}`), 'pass', name);
      assert.equal(verdict('deploy on push (api)'), 'pass');
      assert.equal(verdict('deploy on push (docs)'), 'warn', 'left out of the outcome, not broken');
      await waitFor(() => processesUnder(repo.root).length === 0, 'background processes to end');
    } finally {
      await api.close();
    }
  });
});
