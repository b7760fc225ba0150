// Fault: a `branchPattern` that backtracks froze the pre-push hook (`^(a+)+$` against 28 `a`s and `!`:
// 13.3 s, doubling with each character). What the user must see: the hook returns promptly, naming the
// pattern, the branch and the fix; ordinary patterns give the answers they always gave.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { boundedMatcher, PatternTooSlow } from '../../src/hooks/boundedPattern.js';
import { DEFAULT_BRANCH_PATTERN } from '../../src/kernel/config/defaults.js';
import { BIN } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';

const RUNAWAY = '^(a+)+$';
const NAME = `${'a'.repeat(28)}!`; // 29 characters: 13 s before the bound, twice that on a loaded machine

describe('fault: a branchPattern that backtracks', () => {
  let repo: TestRepo;
  let sha: string;
  before(() => {
    repo = makeRepo();
    sha = repo.commit('feature work');
  });
  after(() => repo.cleanup());

  /** The built hook as husky calls it, for a push of `branch`; its wall time in ms. */
  const hook = (pattern: string, branch: string) => {
    writeFileSync(join(repo.dir, 'deploy-watch.config.json'), JSON.stringify({ branchPattern: pattern }));
    const started = process.hrtime.bigint();
    const r = spawnSync(process.execPath, [BIN, 'hook', 'pre-push', 'origin', repo.remote], {
      cwd: repo.dir,
      env: repo.env,
      input: `refs/heads/x ${sha} refs/heads/${branch} ${'0'.repeat(40)}\n`,
      encoding: 'utf8',
      timeout: 120_000,
    });
    return { code: r.status, stderr: r.stderr, ms: Number(process.hrtime.bigint() - started) / 1e6 };
  };
  const nodeStart = () => {
    const started = process.hrtime.bigint();
    spawnSync(process.execPath, ['-e', '0']);
    return Number(process.hrtime.bigint() - started) / 1e6;
  };

  it('the hook returns promptly with a clear message (timed against `node -e 0`)', (t) => {
    // Best of three for each, so one scheduling hiccup on a loaded machine does not decide the ratio.
    const bare = Math.min(nodeStart(), nodeStart(), nodeStart());
    const runs = [hook(RUNAWAY, NAME), hook(RUNAWAY, NAME), hook(RUNAWAY, NAME)];
    const r = runs.reduce((a, b) => (b.ms < a.ms ? b : a));
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /"branchPattern" \^\(a\+\)\+\$ ran over 100 ms on the branch name "a{28}!" and was stopped/);
    assert.match(r.stderr, /backtracks catastrophically/);
    assert.match(r.stderr, /Rewrite the pattern without a quantifier inside a quantified group/);
    // The bound is 100 ms on top of the hook's own start (a few Node starts); unbounded it is 13 s or more.
    const ratio = r.ms / bare;
    t.diagnostic(`hook ${r.ms.toFixed(0)} ms, node -e 0 ${bare.toFixed(0)} ms: ${ratio.toFixed(1)}x`);
    assert.ok(ratio < 25, `hook ${r.ms.toFixed(0)} ms vs node -e 0 ${bare.toFixed(0)} ms: ${ratio.toFixed(1)}x`);
  });

  it('ordinary patterns give the same answers through the built hook', () => {
    const refused = hook(DEFAULT_BRANCH_PATTERN, 'Wip');
    assert.equal(refused.code, 65, refused.stderr);
    assert.match(refused.stderr, /push refused: branch "Wip" does not match/);
    assert.ok(refused.stderr.includes('feat/wip'), refused.stderr);
    const accepted = hook(DEFAULT_BRANCH_PATTERN, 'feat/thing');
    assert.equal(accepted.code, 0, accepted.stderr);
    assert.equal(accepted.stderr, '');
    const jira = hook('^JIRA-\\d+/', 'JIRA-12/login');
    assert.equal(jira.code, 0, jira.stderr);
  });

  it('the bounded matcher answers as RegExp does, and stops a runaway one', () => {
    const patterns = [
      DEFAULT_BRANCH_PATTERN,
      '^JIRA-\\d+$',
      '^(?<kind>feat|fix)/\\p{Ll}+$',
      '^(?!main$).+',
      '^[^A-Z]*$',
    ];
    const names = ['feat/x', 'fix/a.b', 'JIRA-12', 'main', 'mainline', 'Feat/X', 'feat/ünï', ''];
    for (const pattern of patterns) {
      const matcher = boundedMatcher(pattern);
      const plain = new RegExp(pattern);
      for (const name of names) assert.equal(matcher.test(name), plain.test(name), `${pattern} on ${name}`);
    }
    assert.throws(
      () => boundedMatcher(RUNAWAY, 50).test(NAME),
      (e: unknown) => e instanceof PatternTooSlow && e.pattern === RUNAWAY && e.input === NAME && e.budgetMs === 50,
    );
  });
});
