// Back-to-back pushes: the next push lands before the first push's watcher has looked. A verdict read
// from where the tracking ref is now would call the first push rejected and never watch its commit.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import type { TestRepo } from '../../support/helpers/repo.js';
import {
  hookedSuite,
  makeQuickRepo,
  processesUnder,
  pushOk,
  waitFor,
  watcherVerdicts,
} from '../../support/worlds/hookedSuite.js';

/**
 * Git's reference-transaction hook, in the repository's hooks folder: the push of $DW_HOLD_SHA stays alive
 * right after it moved the tracking ref (touching $DW_HELD) until $DW_RELEASE exists, so its watcher, which
 * waits for that push to end, looks only after the test has let the next push land.
 */
function holdFirstPush(repo: TestRepo): void {
  const hook = join(repo.dir, '.husky', '_', 'reference-transaction');
  const script = [
    '#!/bin/sh',
    '[ "$1" = committed ] && [ -n "${DW_HOLD_SHA:-}" ] || exit 0',
    'while read -r old new ref; do',
    '  if [ "$ref" = refs/remotes/origin/main ] && [ "$new" = "$DW_HOLD_SHA" ]; then',
    '    : > "$DW_HELD"; while [ ! -f "$DW_RELEASE" ]; do sleep 0.05; done',
    '  fi',
    'done',
  ];
  writeFileSync(hook, `${script.join('\n')}\n`);
  chmodSync(hook, 0o755);
}

function pushAsync(repo: TestRepo, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  const child = spawn('git', ['push', 'origin', 'main'], { cwd: repo.dir, env: { ...repo.env, ...env } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stderr })));
}

describe('hooks: back-to-back pushes', () => {
  const { repos, health } = hookedSuite();

  it('a push whose tracking ref the next push already moved on is accepted and watched, not called rejected', async () => {
    const repo = makeQuickRepo(repos, health());
    holdFirstPush(repo);
    const held = join(repo.root, 'held');
    const release = join(repo.root, 'release');

    const first = repo.commit('first of two');
    const firstPush = pushAsync(repo, { DW_HOLD_SHA: first, DW_HELD: held, DW_RELEASE: release });
    await waitFor(() => existsSync(held), 'the first push to have moved the tracking ref');
    const second = repo.commit('second of two');
    assert.match(pushOk(repo, ['origin', 'main']), /will watch/);
    assert.equal(repo.git('rev-parse', 'refs/remotes/origin/main'), second, 'the second push has landed');
    writeFileSync(release, '');
    const done = await firstPush;
    assert.equal(done.code, 0, done.stderr);
    assert.match(done.stderr, /will watch/);

    await waitFor(() => watcherVerdicts(repo, first).length > 0, "the first push's verdict");
    await waitFor(() => watcherVerdicts(repo, second).length > 0, "the second push's verdict");
    assert.deepEqual(watcherVerdicts(repo, first), ['accepted'], 'the first push was accepted by the remote');
    assert.deepEqual(watcherVerdicts(repo, second), ['accepted']);
    await waitFor(() => processesUnder(repo.root).length === 0, 'the monitors to end');
    const check = cli(['check', first, '--json'], { cwd: repo.dir, env: repo.env });
    const record = (JSON.parse(check.stdout) as { record?: { sha: string } | null }).record;
    assert.equal(record?.sha, first, `check finds the first push's record: ${check.stdout}`);
    const all = cli(['check', '--all', '--json'], { cwd: repo.dir, env: repo.env });
    for (const sha of [first, second]) assert.match(all.stdout, new RegExp(sha), 'check --all lists both pushes');
  });
});
