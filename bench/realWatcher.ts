// Peak RSS of real deploy-watch processes: N commits of a real repository handed over with
// `monitor <sha> --detach` against the fake App Platform API on 127.0.0.1, sampled until every record is
// final and no deploy-watch process is left; and `node -e 0` sampled the same way, as the baseline.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FileStatusStore } from '../src/store/files/fileStatusStore.js';
import { stateDirFor } from '../src/store/files/stateDir.js';
import { isFinal } from '../src/store/statusRecord.js';
import { start } from '../support/fakes/doApi.js';
import { BIN } from '../support/helpers/cli.js';
import { killUnder, processesUnder } from '../support/helpers/processes.js';
import { repoWithCommits } from './drivenWatcher.js';
import { RssSampler } from './rssSampler.js';
import { benchEnv } from './timing.js';

/** Each deployment stays BUILDING this long after the last commit was handed over. */
const BUILD_MS = 2_000;
const RUN_LIMIT_MS = 90_000;

/** `at-once`: every caller started together; `in-turn`: each after the previous one exited (pushes in succession). */
export type HandOverMode = 'at-once' | 'in-turn';

export interface Peak {
  /** Summed VmRSS of every deploy-watch process under the repository, peak over samples. */
  totalMb: number;
  /** The watcher that followed the commits (the PID on their records). */
  watcherMb: number;
  /** Its own VmHWM, as last read. */
  watcherHwmMb: number;
  /** Other `deploy-watch watcher` processes, started by concurrent callers, that found the folder claimed. */
  sparesMb: number;
  spares: number;
  /** The `monitor --detach` callers together. */
  callersMb: number;
}

const isDeployWatch = (args: string[]) => args.includes(BIN);
const verbOf = (args: string[]) => args[args.indexOf(BIN) + 1];

async function waitUntil(what: string, done: () => Promise<boolean>, limitMs: number): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function handOver(sha: string, cwd: string, env: NodeJS.ProcessEnv): Promise<number | null> {
  return new Promise((resolve) =>
    spawn(process.execPath, [BIN, 'monitor', sha, '--detach'], { cwd, env: benchEnv(env), stdio: 'ignore' }).on(
      'close',
      resolve,
    ),
  );
}

export async function peakOf(n: number, mode: HandOverMode): Promise<Peak> {
  const { repo, shas } = repoWithCommits(n);
  // The API's clock stands still until every commit is handed over: all N are in flight together, and
  // the watcher never runs out of work (and leaves) between two hand-overs.
  let frozenAt: number | null = Date.now();
  let shift = 0;
  const apiClock = () => frozenAt ?? Date.now() - shift;
  const api = await start(
    {
      appId: 'app',
      token: 't',
      deployments: shas.map((sha, i) => ({
        id: `dep-${i}`,
        sha,
        phases: [
          [0, 'BUILDING'],
          [BUILD_MS + i * 50, 'ACTIVE'],
        ],
      })),
    },
    { now: apiClock },
  );
  writeFileSync(
    join(repo.dir, 'deploy-watch.config.json'),
    JSON.stringify({
      digitalocean: { appId: 'app' },
      polling: { fastInterval: 0.2, fastFor: 0, slowInterval: 0.2, timeout: 300, linger: 0 },
    }),
  );
  const env = { ...repo.env, DIGITALOCEAN_ACCESS_TOKEN: 't', DEPLOY_WATCH_DO_API_URL: api.url };
  const store = new FileStatusStore(stateDirFor({ commonDir: join(repo.dir, '.git') }, env));
  const sampler = new RssSampler(() => processesUnder(repo.root), isDeployWatch);
  try {
    const exits: Array<number | null> = [];
    if (mode === 'at-once') exits.push(...(await Promise.all(shas.map((sha) => handOver(sha, repo.dir, env)))));
    else for (const sha of shas) exits.push(await handOver(sha, repo.dir, env));
    if (exits.some((code) => code !== 0)) throw new Error(`monitor --detach exited ${exits.join(',')}`);
    shift = Date.now() - frozenAt!;
    frozenAt = null;
    const outcomes = async () => Promise.all(shas.map((sha) => store.read(sha)));
    await waitUntil(
      'every record final and no deploy-watch process left',
      async () =>
        (await outcomes()).every((r) => r.status === 'ok' && isFinal(r.record.state)) && sampler.live().length === 0,
      RUN_LIMIT_MS,
    );
    sampler.stop();
    for (const read of await outcomes())
      if (read.status !== 'ok' || read.record.state !== 'success')
        throw new Error(`a commit ended ${read.status === 'ok' ? read.record.state : read.status}`);
    // The watcher that followed the commits lived through the run (the API's clock saw to it); spares
    // leave within moments.
    const seen = sampler.seen();
    const watchers = [...seen].filter(([, args]) => verbOf(args) === 'watcher').map(([pid]) => pid);
    const watcher = watchers.sort((a, b) => sampler.samplesOf(b) - sampler.samplesOf(a))[0];
    if (watcher === undefined) throw new Error('no watcher process was seen');
    const spare = (pid: number) => pid !== watcher && verbOf(seen.get(pid) ?? []) === 'watcher';
    const caller = (pid: number) => verbOf(seen.get(pid) ?? []) === 'monitor';
    return {
      totalMb: sampler.peakMb(),
      watcherMb: sampler.peakMb((pid) => pid === watcher),
      watcherHwmMb: sampler.hwmMb.get(watcher) ?? 0,
      sparesMb: sampler.peakMb(spare),
      spares: [...seen.keys()].filter(spare).length,
      callersMb: sampler.peakMb(caller),
    };
  } finally {
    sampler.stop();
    killUnder(repo.root); // anything left is this run's own, after a failure
    await api.close();
    repo.cleanup();
  }
}

/** `node -e 0` that lives 300 ms, so that sampling sees it: its peak sampled VmRSS and its VmHWM. */
export async function nodeBaseline(): Promise<{ peakMb: number; hwmMb: number }> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(()=>{},300)'], { env: benchEnv(), stdio: 'ignore' });
  const pid = child.pid ?? 0;
  const sampler = new RssSampler(
    () => [pid],
    () => true,
  );
  await new Promise((resolve) => child.on('exit', resolve));
  sampler.stop();
  return { peakMb: sampler.peakMb(), hwmMb: sampler.hwmMb.get(pid) ?? 0 };
}
