// The demo's little world, all on 127.0.0.1: a temp repository with a bare remote and deploy-watch
// installed by `init`, the App Platform API stand-in, a health endpoint, and a "deploy on push"
// simulator that starts a deployment whenever the remote's main moves (as App Platform does).
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { start, type FakeDeployment, type FakeDoApi, type Timeline } from '../support/fakes/doApi.js';
import { phaseAt } from '../support/fakes/doTimeline.js';

export const BIN = fileURLToPath(new URL('../../bin/deploy-watch.js', import.meta.url));
const HUSKY = fileURLToPath(new URL('../../node_modules/husky', import.meta.url));
export const APP_ID = '6f9a1c32-5d0e-4b8a-9e41-d3c2b7a0f815';
export const TOKEN = 'dop_v1_demo0000000000000000000000000000';
/** A commit whose message contains this fails its build in the simulator. */
export const FAIL_MARK = '[breaks build]';

export interface World {
  root: string;
  dir: string;
  remote: string;
  env: NodeJS.ProcessEnv;
  api: FakeDoApi;
  healthUrl: string;
  git(...args: string[]): string;
  /**
   * Lets a deployment held in BUILDING go on to deploy: the demo calls it once `watch` has shown the build,
   * so a slow machine cannot skip the phase the demo shows (it goes on by itself after HOLD_MS anyway).
   */
  finishBuilds(): void;
  close(): Promise<void>;
}

/** The longest a good deployment stays in BUILDING waiting for finishBuilds(). */
const HOLD_MS = 30_000;

export async function createWorld(): Promise<World> {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'dw-demo-')));
  const dir = join(root, 'shop');
  const remote = join(root, 'shop.git');
  const home = join(root, 'home');
  mkdirSync(home);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Demo Dev',
    GIT_AUTHOR_EMAIL: 'dev@demo.test',
    GIT_COMMITTER_NAME: 'Demo Dev',
    GIT_COMMITTER_EMAIL: 'dev@demo.test',
    DIGITALOCEAN_ACCESS_TOKEN: TOKEN,
    DEPLOY_WATCH_DO_API_URL: '',
  };
  delete env.DEPLOY_WATCH_STATE_DIR;
  const git = (cwd: string, args: string[]) =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  const timeline: Timeline = { appId: APP_ID, token: TOKEN, deployments: [] };
  const t0 = Date.now();
  const api = await start(timeline, { now: Date.now });
  env.DEPLOY_WATCH_DO_API_URL = api.url;
  const health = await startHealth(() => liveSha(timeline.deployments, Date.now() - t0));

  git(root, ['init', '-q', '--bare', '-b', 'main', remote]);
  git(root, ['init', '-q', '-b', 'main', dir]);
  git(dir, ['config', 'gc.auto', '0']);
  git(dir, ['remote', 'add', 'origin', remote]);
  // An install as `npm install -D deploy-watch` would leave it, pointing at this checkout.
  mkdirSync(join(dir, 'node_modules', '.bin'), { recursive: true });
  symlinkSync(HUSKY, join(dir, 'node_modules', 'husky'));
  symlinkSync(BIN, join(dir, 'node_modules', '.bin', 'deploy-watch'));
  writeFileSync(join(dir, '.gitignore'), 'node_modules/\n');
  writeFileSync(
    join(dir, 'package.json'),
    `${JSON.stringify({ name: 'shop', version: '1.0.0', private: true }, null, 2)}\n`,
  );
  execFileSync(process.execPath, [BIN, 'init', '--quiet'], { cwd: dir, env, stdio: 'ignore' });
  const config = {
    digitalocean: { appId: APP_ID },
    health: { url: health.url, commit: '$.version.commit', timeout: 2 },
    // Fast polling so the demo takes seconds; real defaults are 5 s, then 15 s.
    polling: { fastInterval: 0.5, fastFor: 60, slowInterval: 1, timeout: 120 },
  };
  writeFileSync(join(dir, 'deploy-watch.config.json'), `${JSON.stringify(config, null, 2)}\n`);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'Set up the shop with deploy-watch']);
  git(dir, ['push', '-q', '--no-verify', '-u', 'origin', 'main']);

  const simulator = simulateDeployOnPush(timeline, t0, (args) => git(remote, args));
  const finishBuilds = () => {
    const t = Date.now() - t0;
    for (const d of timeline.deployments) finish(d, t);
  };
  return {
    root,
    dir,
    remote,
    env,
    api,
    healthUrl: health.url,
    git: (...args) => git(dir, args),
    finishBuilds,
    async close() {
      clearInterval(simulator);
      await api.close();
      await health.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Polls the remote's main; each new tip becomes a deployment that builds, then goes live or fails. */
function simulateDeployOnPush(timeline: Timeline, t0: number, git: (args: string[]) => string): NodeJS.Timeout {
  let seen = safe(() => git(['rev-parse', 'refs/heads/main']));
  let n = 0;
  const timer = setInterval(() => {
    const tip = safe(() => git(['rev-parse', 'refs/heads/main']));
    if (!tip || tip === seen) return;
    seen = tip;
    const fails = safe(() => git(['log', '-1', '--format=%s', tip])).includes(FAIL_MARK);
    const t = Date.now() - t0;
    const deployment: FakeDeployment = {
      id: `d${String(++n).padStart(3, '0')}-demo-${tip.slice(0, 7)}`,
      sha: tip,
      phases: fails
        ? [
            [t + 1500, 'PENDING_BUILD'],
            [t + 2500, 'BUILDING'],
            [t + 5000, 'ERROR'],
          ]
        : [
            [t + 1500, 'PENDING_BUILD'],
            [t + 2500, 'BUILDING'],
            // DEPLOYING and ACTIVE come with finishBuilds(), or after HOLD_MS.
          ],
      ...(fails
        ? { logs: { BUILD: BUILD_FAILURE_LOG } }
        : { logs: { BUILD: 'npm ci\nnpm run build\nbuild complete\n' } }),
    };
    timeline.deployments.push(deployment);
    if (!fails) setTimeout(() => finish(deployment, Date.now() - t0), 2500 + HOLD_MS).unref();
  }, 200);
  timer.unref();
  return timer;
}

/** A good build, still held in BUILDING, deploys from `t` on: 2 s to deploy, 2 s more to go live. */
function finish(d: FakeDeployment, t: number): void {
  if (d.phases.length !== 2) return;
  const from = Math.max(t, d.phases[1]![0]);
  d.phases.push([from + 2000, 'DEPLOYING'], [from + 4000, 'ACTIVE']);
}

function liveSha(deployments: FakeDeployment[], t: number): string | null {
  const live = deployments.filter((d) => phaseAt(d, t) === 'ACTIVE');
  return live[live.length - 1]?.sha ?? null;
}

async function startHealth(live: () => string | null): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((_req, res) => {
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ status: 'ok', version: { commit: live() } }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}/health`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

function safe(read: () => string): string {
  try {
    return read();
  } catch {
    return '';
  }
}

const BUILD_FAILURE_LOG = [
  'shop 2026-11-24T10:00:01Z ╭──────────── buildpack detection ────────────╮',
  'shop 2026-11-24T10:00:01Z │ Detected Node.js app                          │',
  'shop 2026-11-24T10:00:02Z ╰───────────────────────────────────────────────╯',
  'shop 2026-11-24T10:00:05Z > shop@1.0.0 build',
  'shop 2026-11-24T10:00:05Z > tsc -p .',
  "shop 2026-11-24T10:00:09Z src/cart.ts(42,7): error TS2322: Type 'string' is not assignable to type 'number'.",
  'shop 2026-11-24T10:00:09Z npm ERR! code ELIFECYCLE',
  'shop 2026-11-24T10:00:09Z npm ERR! shop@1.0.0 build: `tsc -p .`',
  'shop 2026-11-24T10:00:10Z ✘ build failed',
  '',
].join('\n');
