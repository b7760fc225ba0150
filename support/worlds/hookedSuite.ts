// The hook tests' fixtures: the hooked repository lives in support/ (bench/hooks.ts uses it too); the
// suite helper ties its processes and folders to node:test's lifecycle.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before } from 'node:test';
import { killUnder, startHealth, type HealthServer } from './hookedRepo.js';
import { makeHookedRepo, setConfig } from './hookedRepo.js';
import type { TestRepo } from '../helpers/repo.js';

export * from './hookedRepo.js';

/** For a suite of hooked repositories: one health endpoint, and every repository's processes and folders gone after it. */
export function hookedSuite(): { repos: TestRepo[]; health: () => HealthServer } {
  const repos: TestRepo[] = [];
  let health: HealthServer | undefined;
  before(async () => {
    health = await startHealth();
  });
  after(async () => {
    for (const repo of repos) {
      killUnder(repo.root);
      repo.cleanup();
    }
    await health?.close();
  });
  return { repos, health: () => health! };
}

/** A hooked repository of the suite whose monitors poll `healthUrl` every second and end soon after. */
export function makeQuickRepo(repos: TestRepo[], health: { urlFor(repo: TestRepo): string }): TestRepo {
  const repo = makeHookedRepo();
  repos.push(repo);
  setConfig(repo, {
    health: { url: health.urlFor(repo) },
    polling: { fastInterval: 1, fastFor: 5, slowInterval: 1, timeout: 20, linger: 0 },
  });
  return repo;
}

/** `git push <args>` through the hooks, which must succeed; returns its stderr (the hook's lines). */
export function pushOk(repo: TestRepo, args: string[], env: NodeJS.ProcessEnv = {}, cwd = repo.dir): string {
  const r = spawnSync('git', ['push', ...args], {
    cwd,
    env: { ...repo.env, ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}
