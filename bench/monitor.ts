// Monitor costs: API requests for a scripted six-minute deployment on a driven clock (fixed 5 s polling,
// the plan's 5 s/15 s, ours), requests for 10 commits in flight against one, and peak RSS against `node -e 0`.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileStatusStore } from '../src/core/fileStatusStore.js';
import { runMonitor } from '../src/monitor/run.js';
import type { Polling } from '../src/monitor/schedule.js';
import { memoryListCache } from '../src/sources/digitalocean/cache.js';
import { createDigitalOceanSource } from '../src/sources/digitalocean/source.js';
import { start, type FakeDeployment } from '../support/fakes/doApi.js';
import { VirtualClock } from '../support/helpers/virtualClock.js';
import { BIN } from '../support/helpers/cli.js';
import { makeRepo } from '../support/helpers/repo.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
const END = 361_700; // ACTIVE about six minutes after the push, off any poll grid
const sha = (i: number) => (i + 1).toString(16).padStart(40, 'a');
const deployment = (i: number): FakeDeployment => ({
  id: `dep-${i}`,
  sha: sha(i),
  phases: [
    [15_000 + i * 1_000, 'PENDING_BUILD'],
    [25_000 + i * 1_000, 'BUILDING'],
    [240_000, 'PENDING_DEPLOY'],
    [250_000, 'DEPLOYING'],
    [END + i * 1_000, 'ACTIVE'],
  ],
});

async function simulate(polling: Polling, commits: number): Promise<{ requests: number; lateMs: number }> {
  const clock = new VirtualClock(T0);
  const api = await start(
    { appId: 'app', token: 't', deployments: Array.from({ length: commits }, (_, i) => deployment(i)) },
    { now: clock.now },
  );
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  try {
    const store = new FileStatusStore(dir);
    const cache = memoryListCache(Math.min(polling.fastInterval * 800, 4_000), clock.now);
    const records = await clock.all(
      Array.from(
        { length: commits },
        (_, i) => () =>
          runMonitor({
            sha: sha(i),
            branch: 'main',
            remote: 'origin',
            pid: process.pid,
            store,
            polling,
            now: clock.now,
            sleep: clock.sleep,
            signal: new AbortController().signal,
            sources: [
              createDigitalOceanSource({
                apiUrl: api.url,
                token: 't',
                appId: 'app',
                timeoutMs: 5_000,
                perPage: 50,
                now: clock.now,
                random: Math.random,
                cache,
                isAncestor: async () => null,
              }),
            ],
          }),
      ),
    );
    const lateMs = Math.max(...records.map((r, i) => Date.parse(r.finishedAt!) - (T0 + END + i * 1_000)));
    if (records.some((r) => r.state !== 'success'))
      throw new Error(`unexpected outcome: ${records.map((r) => r.state).join(',')}`);
    return { requests: api.apiRequests().length, lateMs };
  } finally {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The plan's schedule counted on paper: 5 s for 60 s, then 15 s, until the first poll at or after the end. */
function planRequests(): { requests: number; lateMs: number } {
  let t = 0;
  let n = 0;
  for (;;) {
    n++;
    if (t >= END) return { requests: n, lateMs: t - END };
    t += t < 60_000 ? 5_000 : 15_000;
  }
}

function maxRss(args: string[], env: NodeJS.ProcessEnv, cwd: string, preload: string): number {
  const r = spawnSync(process.execPath, ['--require', preload, ...args], {
    cwd,
    env,
    encoding: 'utf8',
    timeout: 60_000,
  });
  const m = /MAXRSS (\d+)/.exec(r.stderr);
  if (!m) throw new Error(`no RSS figure from ${args.join(' ')}: ${r.stderr}`);
  return Number(m[1]) / 1024;
}

async function rss(): Promise<{ monitor: number; baseline: number }> {
  const repo = makeRepo();
  const head = repo.git('rev-parse', 'HEAD');
  const api = await start({
    appId: 'app',
    token: 't',
    deployments: [
      {
        id: 'd',
        sha: head,
        phases: [
          [0, 'BUILDING'],
          [1_500, 'ACTIVE'],
        ],
      },
    ],
  });
  const preload = join(repo.root, 'rss.cjs');
  writeFileSync(
    preload,
    "process.on('exit', () => require('fs').writeSync(2, 'MAXRSS ' + process.resourceUsage().maxRSS + '\\n'));\n",
  );
  writeFileSync(
    join(repo.dir, 'deploy-watch.config.json'),
    JSON.stringify({
      digitalocean: { appId: 'app' },
      polling: { fastInterval: 0.1, fastFor: 0, slowInterval: 0.1, timeout: 30 },
    }),
  );
  const env = { ...repo.env, DIGITALOCEAN_ACCESS_TOKEN: 't', DEPLOY_WATCH_DO_API_URL: api.url };
  try {
    // spawnSync would block the fake server in this process: run the monitor while serving.
    const monitor = await new Promise<number>((resolve, reject) => {
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(process.execPath, ['--require', preload, BIN, 'monitor', head], {
          cwd: repo.dir,
          env,
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let err = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
        child.on('close', () => {
          const m = /MAXRSS (\d+)/.exec(err);
          if (m) resolve(Number(m[1]) / 1024);
          else reject(new Error(`monitor gave no RSS figure: ${err}`));
        });
      }, reject);
    });
    return { monitor, baseline: maxRss(['-e', '0'], env, repo.dir, preload) };
  } finally {
    await api.close();
    repo.cleanup();
  }
}

const fixed = await simulate({ fastInterval: 5, fastFor: 1e9, slowInterval: 5, timeout: 1800 }, 1);
const plan = planRequests();
const ours = await simulate({ fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 }, 1);
const ten = await simulate({ fastInterval: 5, fastFor: 60, slowInterval: 15, timeout: 1800 }, 10);
const pct = (n: number) =>
  `${(n / fixed.requests).toFixed(2)}x of fixed, ${Math.round((1 - n / fixed.requests) * 100)}% fewer`;
console.log('six-minute deployment, driven clock (API requests, end seen late by):');
console.log(`  fixed 5 s polling         ${String(fixed.requests).padStart(4)}   late ${fixed.lateMs / 1000} s`);
console.log(
  `  plan 5 s/60 s then 15 s   ${String(plan.requests).padStart(4)}   late ${plan.lateMs / 1000} s   ${pct(plan.requests)}`,
);
console.log(
  `  deploy-watch (defaults)   ${String(ours.requests).padStart(4)}   late ${ours.lateMs / 1000} s   ${pct(ours.requests)}   (goal: > 60% fewer, ≤ 15 s late)`,
);
console.log(
  `ten commits in flight: ${ten.requests} requests vs ${ours.requests} for one = ${(ten.requests / ours.requests).toFixed(2)}x (goal ≤ 1.5x), worst end seen ${ten.lateMs / 1000} s late`,
);
const mem = await rss();
console.log(
  `peak RSS: monitor ${mem.monitor.toFixed(1)} MB vs node -e 0 ${mem.baseline.toFixed(1)} MB = ${(mem.monitor / mem.baseline).toFixed(2)}x`,
);
