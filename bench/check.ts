// `check` latency on every answer (exit 0, 1, 2, 3, 78, 64; human and JSON) as a ratio to a bare
// `node -e 0`, measured in the same run (goal ≤ 1.2×); the ways an agent can call it (npx, npm exec,
// node_modules/.bin, the main worktree's from a linked one); and 20 `check --wait` alive at once, all
// their RSS together against 20 Node processes that only wait.
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FileStatusStore } from '../src/store/files/fileStatusStore.js';
import { makeRepo } from '../support/helpers/repo.js';
import { putRecord, startFakeMonitor } from '../support/helpers/state.js';
import { RssSampler } from './rssSampler.js';
import { benchEnv, compare, fmt, timeCommand } from './timing.js';

const PACKAGE = fileURLToPath(new URL('../..', import.meta.url));
const BIN = join(PACKAGE, 'bin', 'deploy-watch.js');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const GOAL = 1.2;
const WAITERS = 20;

const repo = makeRepo({ withRemote: false });
const store = new FileStatusStore(join(repo.dir, '.git', 'deploy-watch'));
const none = repo.git('rev-parse', 'HEAD');
const failed = repo.commit('failed');
const building = repo.commit('building');
/** HEAD, what a plain `check` answers for. */
const sha = { none, failed, building, success: repo.commit('deployed') };
await putRecord(store, sha.success, { state: 'success', finishedAt: new Date().toISOString() });
await putRecord(store, sha.failed, { state: 'failed', message: 'build failed', finishedAt: new Date().toISOString() });
const monitor = startFakeMonitor(store);
await putRecord(store, sha.building, { state: 'building', pid: monitor.pid! });
// deploy-watch installed as npm would: package.json, node_modules/deploy-watch, node_modules/.bin; and a
// linked worktree without node_modules of its own.
writeFileSync(join(repo.dir, 'package.json'), '{"name":"app","private":true,"devDependencies":{"deploy-watch":"*"}}\n');
mkdirSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });
symlinkSync(PACKAGE, join(repo.dir, 'node_modules', 'deploy-watch'));
symlinkSync('../deploy-watch/bin/deploy-watch.js', join(repo.dir, 'node_modules', '.bin', 'deploy-watch'));
const worktree = join(repo.root, 'linked');
repo.git('worktree', 'add', '-q', '--detach', worktree, sha.success);

try {
  const opts = { cwd: repo.dir, env: repo.env };
  const check =
    (args: string[], expect: number, env: NodeJS.ProcessEnv = {}) =>
    () =>
      timeCommand(process.execPath, [BIN, 'check', ...args], { ...opts, env: { ...repo.env, ...env }, expect });
  // An API URL that is not http(s): the config is invalid (exit 78) without touching the file.
  const badConfig = { DEPLOY_WATCH_DO_API_URL: 'ftp://example.test' };
  const rows: Record<string, () => number> = {
    'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], opts),
    'check (0, deployed)': check([], 0),
    'check --json <sha> (0)': check(['--json', sha.success], 0),
    'check <sha> (1, failed)': check([sha.failed], 1),
    'check --json <sha> (1)': check(['--json', sha.failed], 1),
    'check <sha> (2, in progress)': check([sha.building], 2),
    'check --json <sha> (2)': check(['--json', sha.building], 2),
    'check <sha> (3, no record)': check([sha.none], 3),
    'check --json <sha> (3)': check(['--json', sha.none], 3),
    'check <sha> (78, config invalid)': check([sha.none], 78, badConfig),
    'check --json <sha> (78)': check(['--json', sha.none], 78, badConfig),
    'check --wait x (64, usage)': check(['--wait', 'x'], 64),
    'check --wait 0 <sha> (3)': check(['--wait', '0', sha.none], 3),
  };
  const m = compare(rows, ROUNDS);
  const base = m['node -e 0']!;
  console.log(`check latency (median of ${ROUNDS}, interleaved; goal ≤ ${GOAL}× node -e 0)`);
  for (const [name, ms] of Object.entries(m))
    console.log(
      `  ${name.padEnd(36)} ${fmt(ms).padStart(9)}  ratio ${(ms / base).toFixed(2)}${name === 'node -e 0' ? '' : ms / base <= GOAL ? '' : '  OVER GOAL'}`,
    );

  // What an agent may be told to run, from the main worktree and from a linked one without node_modules.
  const agent = (cwd: string, cmd: string) => () =>
    timeCommand('sh', ['-c', `${cmd} check ${sha.success}`], { cwd, env: repo.env });
  const viaCommonDir = '"$(git rev-parse --git-common-dir)/../node_modules/.bin/deploy-watch"';
  const ways = compare(
    {
      'node -e 0': () => timeCommand(process.execPath, ['-e', '0'], opts),
      'npx deploy-watch': agent(repo.dir, 'npx deploy-watch'),
      'npm exec --offline deploy-watch --': agent(repo.dir, 'npm exec --offline deploy-watch --'),
      'npx --offline deploy-watch': agent(repo.dir, 'npx --offline deploy-watch'),
      './node_modules/.bin/deploy-watch': agent(repo.dir, './node_modules/.bin/deploy-watch'),
      'git-common-dir …/.bin/deploy-watch': agent(repo.dir, viaCommonDir),
      'git-common-dir …/.bin (linked worktree)': agent(worktree, viaCommonDir),
    },
    Math.max(5, Math.round(ROUNDS / 3)),
  );
  console.log('how an agent calls check (exit 0, medians):');
  for (const [name, ms] of Object.entries(ways))
    console.log(`  ${name.padEnd(40)} ${fmt(ms).padStart(9)}  ratio ${(ms / ways['node -e 0']!).toFixed(2)}`);

  const waiting = await rssOfWaiting(
    Array.from({ length: WAITERS }, () => [BIN, 'check', '--wait', '60', sha.building]),
    opts,
  );
  const idle = await rssOfWaiting(
    Array.from({ length: WAITERS }, () => ['-e', 'setTimeout(() => {}, 60000)']),
    opts,
  );
  console.log(
    `${WAITERS} check --wait at once: RSS together ${waiting.toFixed(1)} MB; ${WAITERS} waiting node ${idle.toFixed(1)} MB; ratio ${(waiting / idle).toFixed(2)}`,
  );
} finally {
  monitor.kill('SIGKILL');
  rmSync(repo.root, { recursive: true, force: true });
}

/** Starts the processes together, lets them settle into waiting, samples their summed RSS for a second. */
async function rssOfWaiting(argvs: string[][], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<number> {
  const children = argvs.map((args) => spawn(process.execPath, args, { ...o, env: benchEnv(o.env), stdio: 'ignore' }));
  const pids = new Set(children.map((c) => c.pid!));
  await new Promise((r) => setTimeout(r, 1_500));
  const sampler = new RssSampler(
    () => [...pids],
    () => true,
  );
  await new Promise((r) => setTimeout(r, 1_000));
  sampler.stop();
  const alive = children.filter((c) => c.exitCode === null && c.signalCode === null).length;
  for (const c of children) c.kill('SIGKILL');
  if (alive !== argvs.length) throw new Error(`only ${alive} of ${argvs.length} were still waiting`);
  return sampler.peakMb();
}
