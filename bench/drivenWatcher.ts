// The real watcher engine (runWatcher) on a driven clock against the fake App Platform API: commits pushed
// in quick succession reach its inbox, it follows them all on one source set built as the watcher process
// builds it (buildSources: one DigitalOcean source, one list cache). For the request counts of the benches.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../src/kernel/config/config.js';
import { FileStatusStore } from '../src/store/files/fileStatusStore.js';
import { createGit } from '../src/git/git.js';
import type { StatusRecord } from '../src/store/statusRecord.js';
import type { Polling } from '../src/watcher/schedule.js';
import { runWatcher } from '../src/watcher/watcher.js';
import { buildSources } from '../src/sources/index.js';
import { start, type FakeDeployment } from '../support/fakes/doApi.js';
import { makeRepo, type TestRepo } from '../support/helpers/repo.js';
import { VirtualClock } from '../support/helpers/virtualClock.js';

const T0 = Date.parse('2026-03-02T10:00:00Z');
/** ACTIVE about six minutes after the push, off any poll grid. */
export const END_MS = 361_700;
/** Pushes (and so their deployments) one second apart by default. */
export const STAGGER_MS = 1_000;

const deployment = (sha: string, i: number, staggerMs: number): FakeDeployment => ({
  id: `dep-${i}`,
  sha,
  phases: [
    [15_000 + i * staggerMs, 'PENDING_BUILD'],
    [25_000 + i * staggerMs, 'BUILDING'],
    [240_000, 'PENDING_DEPLOY'],
    [250_000, 'DEPLOYING'],
    [END_MS + i * staggerMs, 'ACTIVE'],
  ],
});

/** A repository with `commits` real commits on main (the watcher's git can resolve each); their shas, oldest first. */
export function repoWithCommits(commits: number): { repo: TestRepo; shas: string[] } {
  const repo = makeRepo();
  const shas = Array.from({ length: commits }, (_, i) => repo.commit(`change ${i + 1}`));
  return { repo, shas };
}

export interface Simulated {
  /** Requests to the API proper. */
  requests: number;
  /** Worst delay between a deployment going ACTIVE and its commit's final record. */
  lateMs: number;
  records: StatusRecord[];
}

/** Hands `shas` to one runWatcher, `staggerMs` apart, and runs until it leaves (linger 0). */
export async function simulateWatcher(
  repo: TestRepo,
  shas: string[],
  polling: Polling,
  staggerMs = STAGGER_MS,
): Promise<Simulated> {
  const clock = new VirtualClock(T0);
  const api = await start(
    { appId: 'app', token: 't', deployments: shas.map((sha, i) => deployment(sha, i, staggerMs)) },
    { now: clock.now },
  );
  const dir = mkdtempSync(join(tmpdir(), 'dw-bench-'));
  const store = new FileStatusStore(dir);
  const claim = await store.claimWatcher(process.pid, new Date(T0).toISOString(), () => {
    throw new Error('the bench lost its claim on its own state folder');
  });
  if (!claim) throw new Error(`could not claim the bench's state folder ${dir}`);
  try {
    const env = { DIGITALOCEAN_ACCESS_TOKEN: 't', DEPLOY_WATCH_DO_API_URL: api.url };
    const config = parseConfig({ digitalocean: { appId: 'app' }, polling: { ...polling, linger: 0 } }, 'bench', env);
    const sources = await buildSources(config, {
      git: createGit(repo.dir, repo.env),
      remote: 'origin',
      now: clock.now,
      random: Math.random,
    });
    const push = (i: number) =>
      store.requestFollow({
        sha: shas[i]!,
        branch: 'main',
        remote: 'origin',
        requestedAt: new Date(clock.now()).toISOString(),
      });
    const finals: StatusRecord[] = [];
    await push(0); // in the inbox before the watcher's first look, or it would leave at once
    await clock.all<unknown>([
      () =>
        runWatcher({
          store,
          claim,
          sources,
          polling: config.polling,
          pid: process.pid,
          defaults: { branch: 'main', remote: 'origin' },
          now: clock.now,
          sleep: clock.sleep,
          signal: new AbortController().signal,
          lingerMs: 0,
          // Each commit's loop starts inside the engine: the clock counts it from then until its final record.
          log: (event) => event === 'follow' && clock.enter(1),
          onFinal: async (record) => {
            finals.push(record);
            clock.leave(1);
          },
        }),
      async () => {
        for (let i = 1; i < shas.length; i++) {
          if (staggerMs > 0) await clock.sleep(staggerMs);
          await push(i);
        }
      },
    ]);
    await Promise.all(sources.map((s) => s.close?.().catch(() => undefined)));
    const records = shas.map((sha) => {
      const found = finals.find((r) => r.sha === sha);
      if (found?.state !== 'success') throw new Error(`commit ${sha} ended ${found?.state ?? 'never'}`);
      return found;
    });
    const lateMs = Math.max(...records.map((r, i) => Date.parse(r.finishedAt!) - (T0 + END_MS + i * staggerMs)));
    return { requests: api.apiRequests().length, lateMs, records };
  } finally {
    await claim.release();
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
