// The hook's pure parts as tables: git's ref lines, the push plan, names, markers, and the watcher
// against a driven clock (no real sleeps).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configSchema } from '../../src/kernel/config/config.js';
import { DEFAULT_BRANCH, DEFAULT_BRANCH_PATTERN, DEFAULT_REMOTE, type HookConfig } from '../../src/hooks/hookConfig.js';
import { prePushBlock, REFUSED, upsertBlock } from '../../src/hooks/huskyHook.js';
import { readFileSync } from 'node:fs';
import { planPrePush, suggestName } from '../../src/hooks/prePush.js';
import { isGitPush, startedAtMs } from '../../src/hooks/processTree.js';
import { processStartTime } from '../../src/kernel/fs/pidFile.js';
import { awaitPushResult, BLIND_TIMEOUT_MS, type PostPushEnv, type PostPushRequest } from '../../src/hooks/postPush.js';
import { parseRefLines, refKind } from '../../src/hooks/refLines.js';
import { addHusky } from '../../src/commands/init/packageJson.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const Z = '0'.repeat(40);
const config: HookConfig = { branch: 'main', remote: 'origin', branchPattern: DEFAULT_BRANCH_PATTERN, problem: null };
const line = (l: string, ls: string, r: string, rs: string) => `${l} ${ls} ${r} ${rs}`;

describe('ref lines', () => {
  it('parses git lines and skips anything malformed', () => {
    const input = [
      line('refs/heads/main', A, 'refs/heads/main', B),
      'garbage',
      line('HEAD~', A, 'refs/heads/x', 'nothex'),
      '',
    ].join('\n');
    assert.deepEqual(parseRefLines(input), [
      { localRef: 'refs/heads/main', localSha: A, remoteRef: 'refs/heads/main', remoteSha: B },
    ]);
  });
  it('classifies tags, deletions, branches and other refs', () => {
    const kinds = [
      line('refs/tags/v1', A, 'refs/tags/v1', Z),
      line('(delete)', Z, 'refs/heads/old', A),
      line('refs/heads/x', A, 'refs/heads/x', Z),
      line('refs/notes/commits', A, 'refs/notes/commits', Z),
    ];
    assert.deepEqual(parseRefLines(kinds.join('\n')).map(refKind), ['tag', 'delete', 'branch', 'other']);
  });
});

describe('the push plan', () => {
  const plan = (lines: string[], applies = true) => planPrePush(parseRefLines(lines.join('\n')), config, applies);
  it('watches a push to the deploy branch, whatever the local ref', () => {
    assert.deepEqual(plan([line('refs/heads/feat/x', A, 'refs/heads/main', B)]).watch, { sha: A, branch: 'main' });
  });
  it('of several refs, watches the deploy branch only', () => {
    const p = plan([
      line('refs/heads/feat/a', B, 'refs/heads/feat/a', Z),
      line('refs/heads/main', A, 'refs/heads/main', B),
      line('refs/tags/v2', B, 'refs/tags/v2', Z),
    ]);
    assert.deepEqual(p.watch, { sha: A, branch: 'main' });
    assert.deepEqual(p.behindChecks, ['refs/heads/feat/a']); // not main: git refuses a non-fast-forward there itself
    assert.deepEqual(p.refusals, []);
  });
  it('refuses branch names outside the pattern, and suggests one inside it', () => {
    const p = plan([
      line('refs/heads/WIP+Stuff', A, 'refs/heads/WIP+Stuff', Z),
      line('refs/heads/fix/ok', A, 'refs/heads/fix/ok', Z),
    ]);
    assert.deepEqual(p.refusals, [{ branch: 'WIP+Stuff', localBranch: 'WIP+Stuff', suggestion: 'feat/wip-stuff' }]);
  });
  it('leaves tags, deletions and other remotes alone', () => {
    assert.deepEqual(
      plan([line('refs/tags/bad name', A, 'refs/tags/bad name', Z), line('(delete)', Z, 'refs/heads/wip', A)]),
      { refusals: [], behindChecks: [], watch: null },
    );
    assert.deepEqual(
      plan([line('refs/heads/wip', A, 'refs/heads/wip', Z), line('refs/heads/main', A, 'refs/heads/main', B)], false),
      { refusals: [], behindChecks: [], watch: null },
    );
  });
  it('gives no suggestion when no candidate matches a custom pattern', () => {
    assert.equal(suggestName('x', /^JIRA-\d+$/), null);
    assert.equal(suggestName('team/Thing', new RegExp(DEFAULT_BRANCH_PATTERN)), 'feat/team-thing');
  });
});

describe('small parts', () => {
  it("the hook's zod-free defaults equal the config schema's", () => {
    const d = configSchema.parse({});
    assert.deepEqual([d.branch, d.remote, d.branchPattern], [DEFAULT_BRANCH, DEFAULT_REMOTE, DEFAULT_BRANCH_PATTERN]);
  });
  it("turns a process's /proc start stamp into epoch ms (the watcher's --since when the shell hook gives none)", () => {
    const at = startedAtMs(processStartTime(process.pid));
    assert.ok(at !== null && Math.abs(at - (Date.now() - process.uptime() * 1000)) < 1_500, `${at}`); // btime has whole seconds
    assert.equal(startedAtMs('Wed Nov 25 07:00:00 2026'), null); // ps's stamp (macOS): no --since, as before
    assert.equal(startedAtMs(null), null);
  });
  it('recognises git push among process command lines', () => {
    assert.equal(isGitPush(['/usr/bin/git', 'push', 'origin', 'main']), true);
    assert.equal(isGitPush(['git', '-C', 'x', 'push']), true);
    assert.equal(isGitPush(['sh', '-e', '.husky/pre-push', 'push']), false);
    assert.equal(isGitPush(['git', 'fetch']), false);
  });
  it('replaces the marked block in place and appends it otherwise', () => {
    assert.equal(
      upsertBlock(null, ['# >>> deploy-watch >>>', 'x', '# <<< deploy-watch <<<']),
      '# >>> deploy-watch >>>\nx\n# <<< deploy-watch <<<\n',
    );
    assert.equal(
      upsertBlock('a\n# >>> deploy-watch >>> old\nold\n# <<< deploy-watch <<<\nb\n', [
        '# >>> deploy-watch >>>',
        'new',
        '# <<< deploy-watch <<<',
      ]),
      'a\n# >>> deploy-watch >>>\nnew\n# <<< deploy-watch <<<\nb\n',
    );
    assert.equal(
      upsertBlock('a', ['# >>> deploy-watch >>>', '# <<< deploy-watch <<<']),
      'a\n\n# >>> deploy-watch >>>\n# <<< deploy-watch <<<\n',
    );
  });
  it("this repository's own .husky/pre-push is the generated hook, running the checkout's build", () => {
    const text = readFileSync(new URL('../../../.husky/pre-push', import.meta.url), 'utf8');
    const block = prePushBlock('node bin/deploy-watch.js', 'command -v node >/dev/null 2>&1').join('\n');
    assert.ok(text.includes(`\n${block}\n`), 'regenerate .husky/pre-push from prePushBlock (see its first lines)');
    assert.ok(block.includes(`[ $? != ${REFUSED} ] || exit 1`));
  });
  it('leaves a package.json that already has husky byte for byte', () => {
    const text = '{"scripts":{"prepare":"husky || true"},"dependencies":{"husky":"9"}}';
    assert.deepEqual(addHusky(text), { text, added: [] });
  });
});

describe('the post-push step', () => {
  type Entry = { sha: string; subject: string; at: number };
  function world(opts: {
    runningFor?: number;
    tracking?: (now: number) => string | null;
    remote?: string | null;
    reflog?: (now: number) => Entry[];
    /** The pairs [tip, sha] where tip contains sha (besides tip === sha). */
    descends?: [string, string][];
  }) {
    let now = 0;
    const calls: string[] = [];
    const env: PostPushEnv = {
      now: () => now,
      sleep: async (ms) => void (now += ms),
      isRunning: () => now < (opts.runningFor ?? 0),
      trackingSha: async () => (calls.push('tracking'), opts.tracking ? opts.tracking(now) : null),
      trackingUpdates: async () => (
        calls.push('reflog'), opts.reflog ? opts.reflog(now) : [{ sha: A, subject: 'update by push', at: now }]
      ),
      remoteSha: async (target) => (calls.push(`ls-remote ${target}`), opts.remote ?? null),
      contains: async (tip, sha) => (
        calls.push('contains'), tip === sha || (opts.descends ?? []).some(([t, s]) => t === tip && s === sha)
      ),
    };
    return { env, calls, now: () => now };
  }
  const req = (over: Partial<PostPushRequest> = {}): PostPushRequest => ({
    sha: A,
    branch: 'main',
    remote: 'origin',
    url: null,
    push: { pid: 1, startTime: null },
    since: 0,
    ...over,
  });

  it('waits for the push to end, then accepts when the push moved the tracking ref to the commit', async () => {
    const w = world({ runningFor: 2_000, tracking: () => A });
    assert.equal(await awaitPushResult(req(), w.env, 60_000), 'accepted');
    assert.equal(w.now(), 2_000);
    assert.deepEqual(w.calls, ['reflog']); // no network
  });
  it('accepts a push whose tracking ref the next push has already moved on (back-to-back pushes)', async () => {
    const raced = world({
      tracking: () => B,
      reflog: () => [
        { sha: B, subject: 'update by push', at: 0 },
        { sha: A, subject: 'update by push', at: 0 },
      ],
    });
    assert.equal(await awaitPushResult(req(), raced.env, 1_000), 'accepted');
    assert.deepEqual(raced.calls, ['reflog']); // no network
  });
  it('asks the remote when a fetch, not this push, moved the tracking ref there', async () => {
    const fetched = world({
      tracking: () => A,
      reflog: () => [{ sha: A, subject: 'fetch: fast-forward', at: 0 }],
      remote: B,
    });
    assert.equal(await awaitPushResult(req(), fetched.env, 1_000), 'rejected');
    assert.deepEqual(fetched.calls, ['reflog', 'ls-remote origin', 'contains']);
    const older = world({ tracking: () => A, reflog: () => [{ sha: A, subject: 'update by push', at: 0 }], remote: A });
    assert.equal(await awaitPushResult(req({ since: 60_000 }), older.env, 1_000), 'accepted');
    assert.deepEqual(older.calls, ['reflog', 'ls-remote origin']);
    const movedOn = world({ reflog: () => [{ sha: B, subject: 'fetch', at: 0 }], remote: B, descends: [[B, A]] });
    assert.equal(await awaitPushResult(req(), movedOn.env, 1_000), 'accepted', 'the remote branch contains it');
    const noReflog = world({ tracking: () => A, reflog: () => [] });
    assert.equal(await awaitPushResult(req(), noReflog.env, 1_000), 'accepted');
    const noReflogMovedOn = world({ tracking: () => B, reflog: () => [], descends: [[B, A]] });
    assert.equal(await awaitPushResult(req(), noReflogMovedOn.env, 1_000), 'accepted');
  });
  it('rejects when the tracking ref did not move', async () => {
    const w = world({
      runningFor: 500,
      tracking: () => B,
      reflog: () => [{ sha: B, subject: 'update by push', at: 0 }],
    });
    assert.equal(await awaitPushResult(req(), w.env, 60_000), 'rejected');
  });
  it('gives up at the deadline while the push still runs', async () => {
    const w = world({ runningFor: Number.POSITIVE_INFINITY, tracking: () => A });
    assert.equal(await awaitPushResult(req(), w.env, 5_000), 'timeout');
    assert.deepEqual(w.calls, []);
  });
  it('asks the remote when the push went to a URL, or when there is no tracking ref', async () => {
    const url = world({ remote: A });
    assert.equal(await awaitPushResult(req({ url: '/srv/repo.git' }), url.env, 1_000), 'accepted');
    assert.deepEqual(url.calls, ['ls-remote /srv/repo.git']);
    const none = world({ tracking: () => null, reflog: () => [], remote: B });
    assert.equal(await awaitPushResult(req(), none.env, 1_000), 'rejected');
    assert.deepEqual(none.calls, ['reflog', 'tracking', 'ls-remote origin', 'contains']);
  });
  it('without the push process, looks again for a bounded time', async () => {
    const w = world({
      reflog: (now) => [{ sha: now >= 9_000 ? A : B, subject: 'update by push', at: now }],
    });
    assert.equal(await awaitPushResult(req({ push: null }), w.env, 600_000), 'accepted');
    assert.equal(w.calls.includes('ls-remote origin'), false, 'no network while the reflog can tell');
    const never = world({ reflog: () => [{ sha: B, subject: 'update by push', at: 0 }], remote: B });
    assert.equal(await awaitPushResult(req({ push: null }), never.env, 600_000), 'timeout');
    assert.equal(never.now() >= BLIND_TIMEOUT_MS && never.now() < BLIND_TIMEOUT_MS + 5_000, true);
  });
});
