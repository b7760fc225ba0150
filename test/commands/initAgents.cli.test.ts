// `deploy-watch init --agents`: the agent section written once, into AGENTS.md and an existing CLAUDE.md.
import assert from 'node:assert/strict';
import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { BIN, cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';

describe('init --agents', () => {
  let repo: TestRepo;
  after(() => repo?.cleanup());

  it('adds the section to AGENTS.md and an existing CLAUDE.md, keeps their lines, and is idempotent', () => {
    repo = makeRepo();
    writeFileSync(join(repo.dir, 'CLAUDE.md'), '# Project rules\n\nUse tabs.\n');
    const init = () => cli(['init', '--agents'], { cwd: repo.dir, env: repo.env });
    const first = init();
    assert.equal(first.code, 0, first.stderr);
    const agents = readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8');
    const claude = readFileSync(join(repo.dir, 'CLAUDE.md'), 'utf8');
    for (const text of [agents, claude]) {
      // The fast way (npx resolves the package on every call: about 3x the time of the check itself).
      assert.match(text, /`\.\/node_modules\/\.bin\/deploy-watch push`/);
      assert.match(text, /`\.\/node_modules\/\.bin\/deploy-watch check --wait 30 --json`/);
      assert.doesNotMatch(text, /npx deploy-watch/, 'not even for a worktree: npx would look on the registry');
      assert.match(text, /- 0: deployed\. Done\.\n\s+- 1: the deployment failed/);
      assert.equal(text.split('<!-- >>> deploy-watch >>> -->').length, 2, 'one block');
    }
    assert.ok(claude.startsWith('# Project rules\n\nUse tabs.\n'), "the user's lines stay first and intact");
    init();
    assert.equal(readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8'), agents, 'second run: same bytes');
    assert.equal(readFileSync(join(repo.dir, 'CLAUDE.md'), 'utf8'), claude, 'second run: same bytes');
  });

  it("tells how to run the main worktree's deploy-watch from a linked worktree without node_modules, and it runs", () => {
    const text = readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8').replace(/\n\s*/g, ' ');
    const run = /in a linked git worktree without its own `node_modules`, as the main worktree's: `([^`]+)`/.exec(
      text,
    )?.[1];
    assert.ok(run, text);
    mkdirSync(join(repo.dir, 'node_modules', '.bin'), { recursive: true });
    symlinkSync(BIN, join(repo.dir, 'node_modules', '.bin', 'deploy-watch'));
    const linked = join(repo.root, 'linked');
    repo.git('worktree', 'add', '-q', '--detach', linked);
    for (const cwd of [repo.dir, linked]) {
      const checked: SpawnSyncReturns<string> = spawnSync('sh', ['-c', `${run} check --json`], {
        cwd,
        env: repo.env,
        encoding: 'utf8',
      });
      assert.equal(checked.status, 3, checked.stderr);
      assert.equal((JSON.parse(checked.stdout) as { unknown: string }).unknown, 'no-record');
    }
  });

  it('gives every exit code and cause of check its next action, and never says to resume a cause that repeats', () => {
    const text = readFileSync(join(repo.dir, 'AGENTS.md'), 'utf8').replace(/\n\s+/g, ' ');
    const advice = (code: number) => text.match(new RegExp(`- ${code}: ([^]*?)(?= - \\d+: |3\\. Never)`))?.[1] ?? '';
    assert.match(advice(0), /deployed\. Done\./);
    assert.match(advice(1), /DigitalOcean's reason and `logTail`.*fix the code, commit, push again/);
    assert.match(advice(2), /Run the same command again/);
    assert.match(advice(78), /the config is invalid: stderr names the file and the key\. Fix it/);
    const three = advice(3);
    // A permanent cause (a rejected token, an unknown app, a monitor that could not start): fix or tell, no loop.
    assert.match(
      three,
      /"stopped" with `record\.cause` set, or "start-failed": it repeats until fixed, so do not resume it\. Fix what `message` names .*else tell the human and stop\./,
    );
    // Nobody watched, or the watcher died: resume once, then hand it over.
    assert.match(
      three,
      /"no-record" \(nobody watched\) or "stale".*monitor <sha> --detach` once, then the check again\. Still exit 3 after that: tell the human\./,
    );
    assert.match(three, /"stopped by deploy-watch manage stop" is a human's choice: leave it and tell them/);
    assert.match(three, /"corrupt": tell the human/);
    // The answers a live watcher can give without an outcome: none of them says to resume blindly.
    assert.match(three, /top-level `cause`.*"ENOSPC".*resuming fails the same way/);
    assert.match(three, /"frozen".*tell the human/);
    assert.match(three, /"store-unreachable".*run the same `check --wait` again later/);
    assert.doesNotMatch(text, /Run `[^`]*monitor --detach` \(it resumes it\)/, 'the old advice that looped');
  });

  it('writes no agent file without --agents, and none with --dry-run', () => {
    const other = makeRepo();
    try {
      cli(['init'], { cwd: other.dir, env: other.env });
      assert.ok(!existsSync(join(other.dir, 'AGENTS.md')));
      const dry = cli(['init', '--agents', '--dry-run'], { cwd: other.dir, env: other.env });
      assert.equal(dry.code, 0);
      assert.match(dry.stdout, /AGENTS\.md/);
      assert.ok(!existsSync(join(other.dir, 'AGENTS.md')));
    } finally {
      other.cleanup();
    }
  });
});
