// The swarm: 8 clones of one bare remote push 5 commits each at the same time through the built
// CLI (real child processes). Every commit touches the shared roadmap checklist, the shared
// changelog, a session file of its own and an ordinary file of its own. Afterwards the remote has
// all 40 commits in a linear history, every added line once, every ticked item ticked, no marker,
// and the remote's hooks saw no ref rewritten.
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, describe, it } from 'node:test';
import { cliAsync } from '../helpers/cli.js';
import { git, makeTempDir, testEnv } from '../helpers/repo.js';
import { rmSync } from 'node:fs';

const exec = promisify(execFile);
const CLONES = 8;
const COMMITS = 5;
const ZERO = '0'.repeat(40);

describe('swarm: 8 clones x 5 commits through deploy-watch push', () => {
  const root = makeTempDir('dw-swarm-');
  after(() => rmSync(root, { recursive: true, force: true }));

  it('lands all 40 commits, linear, every line once, every tick kept, no ref rewritten', { timeout: 120_000 }, async () => {
    const home = join(root, 'home');
    mkdirSync(home);
    const env = testEnv(home);
    const remote = join(root, 'remote.git');
    const seed = join(root, 'seed');
    git(root, ['init', '-q', '--bare', '-b', 'main', remote], env);
    git(root, ['init', '-q', '-b', 'main', seed], env);
    const roadmap = ['# Roadmap', '', ...Array.from({ length: CLONES }, (_, c) => `- [ ] base task c${c}`), ''].join('\n');
    writeFileSync(join(seed, 'ROADMAP.md'), roadmap);
    writeFileSync(join(seed, 'CHANGELOG.md'), '# Changelog\n\n## Unreleased\n\n## 0.1.0\n- first release\n');
    writeFileSync(join(seed, 'deploy-watch.config.json'), JSON.stringify({ conflicts: { maxAttempts: 50, backoffBase: 0.05, backoffCap: 0.5 } }));
    git(seed, ['add', '.'], env);
    git(seed, ['commit', '-q', '-m', 'seed'], env);
    git(seed, ['push', '-q', remote, 'main'], env);
    installHooks(remote, root);

    const clones = Array.from({ length: CLONES }, (_, c) => {
      const dir = join(root, `c${c}`);
      git(root, ['clone', '-q', remote, dir], env);
      git(dir, ['config', 'gc.auto', '0'], env);
      return dir;
    });

    const started = Date.now();
    const attempts: number[] = [];
    const reasons = new Map<string, number>();
    const run = (dir: string, ...args: string[]) => exec('git', args, { cwd: dir, env });
    await Promise.all(clones.map(async (dir, c) => {
      for (let k = 1; k <= COMMITS; k++) {
        const file = (name: string) => join(dir, name);
        const tickTarget = k === 1 ? `- [ ] base task c${c}` : `- [ ] c${c} item ${k - 1}`;
        const lines = readFileSync(file('ROADMAP.md'), 'utf8').split('\n');
        const at = lines.indexOf(tickTarget);
        assert.ok(at >= 0, `c${c} k${k}: ${tickTarget} is missing from its roadmap:\n${lines.join('\n')}`);
        lines[at] = tickTarget.replace('[ ]', '[x]');
        lines.splice(lines.length - 1, 0, `- [ ] c${c} item ${k}`);
        writeFileSync(file('ROADMAP.md'), lines.join('\n'));
        const log = readFileSync(file('CHANGELOG.md'), 'utf8').replace('## Unreleased\n', `## Unreleased\n- c${c} change ${k}\n`);
        writeFileSync(file('CHANGELOG.md'), log);
        mkdirSync(file('sessions'), { recursive: true });
        writeFileSync(file(`sessions/c${c}.md`), `${k === 1 ? '' : readFileSync(file(`sessions/c${c}.md`), 'utf8')}- c${c} session entry ${k}\n`);
        writeFileSync(file(`c${c}.txt`), `c${c} version ${k}\n`);
        await run(dir, 'add', '-A');
        await run(dir, 'commit', '-q', '-m', `c${c} commit ${k}`);
        const r = await cliAsync(['push', '--json'], { cwd: dir, env, timeoutMs: 90_000 });
        assert.equal(r.code, 0, `c${c} k${k}: ${r.stdout}\n${r.stderr}`);
        const result = JSON.parse(r.stdout) as { outcome: string; attempts: number; log: Array<{ reason?: string }> };
        assert.equal(result.outcome, 'pushed');
        attempts.push(result.attempts);
        for (const entry of result.log) if (entry.reason) reasons.set(entry.reason.replace(/'.*/, ''), (reasons.get(entry.reason.replace(/'.*/, '')) ?? 0) + 1);
      }
    }));
    const seconds = (Date.now() - started) / 1000;

    const inRemote = (...args: string[]) => git(remote, args, env);
    assert.equal(inRemote('rev-list', '--count', 'main'), String(CLONES * COMMITS + 1));
    assert.equal(inRemote('rev-list', '--merges', 'main'), '', 'history is linear');
    const subjects = inRemote('log', '--format=%s', 'main').split('\n').sort();
    const expected = ['seed', ...clones.flatMap((_, c) => Array.from({ length: COMMITS }, (_, k) => `c${c} commit ${k + 1}`))].sort();
    assert.deepEqual(subjects, expected);

    const finalRoadmap = inRemote('show', 'main:ROADMAP.md').split('\n');
    const finalLog = inRemote('show', 'main:CHANGELOG.md').split('\n');
    const once = (lines: string[], line: string) => assert.equal(lines.filter((l) => l === line).length, 1, `${line} once in\n${lines.join('\n')}`);
    for (let c = 0; c < CLONES; c++) {
      once(finalRoadmap, `- [x] base task c${c}`);
      for (let k = 1; k <= COMMITS; k++) {
        once(finalRoadmap, `- [${k < COMMITS ? 'x' : ' '}] c${c} item ${k}`);
        assert.equal(finalRoadmap.filter((l) => l.endsWith(`] c${c} item ${k}`)).length, 1);
        once(finalLog, `- c${c} change ${k}`);
      }
      assert.equal(inRemote('show', `main:sessions/c${c}.md`), Array.from({ length: COMMITS }, (_, k) => `- c${c} session entry ${k + 1}`).join('\n'));
      assert.equal(inRemote('show', `main:c${c}.txt`), `c${c} version ${COMMITS}`);
    }
    once(finalLog, '- first release');
    // git grep exits 1 for "no match" (anything else would be an error, not a pass).
    const grep = spawnSync('git', ['grep', '-n', '-E', '^(<<<<<<<|=======|>>>>>>>|\\|{7})', 'main'], { cwd: remote, env, encoding: 'utf8' });
    assert.equal(grep.status, 1, `conflict markers on the remote:\n${grep.stdout}${grep.stderr}`);

    const updates = readFileSync(join(root, 'update.log'), 'utf8').trim().split('\n');
    assert.ok(updates.every((l) => l.endsWith(' ff')), `an update hook saw a rewrite:\n${updates.join('\n')}`);
    const accepted = readFileSync(join(root, 'post-receive.log'), 'utf8').trim().split('\n').map((l) => l.split(' '));
    assert.equal(accepted.length, CLONES * COMMITS, 'one accepted ref update per push');
    for (const [oldSha, newSha] of accepted) {
      if (oldSha !== ZERO) assert.doesNotThrow(() => inRemote('merge-base', '--is-ancestor', oldSha!, newSha!), `${oldSha} -> ${newSha} rewrote main`);
    }

    const histogram = new Map<number, number>();
    for (const n of attempts) histogram.set(n, (histogram.get(n) ?? 0) + 1);
    const spread = [...histogram].sort((a, b) => a[0] - b[0]).map(([n, count]) => `${n}:${count}`).join(' ');
    process.stdout.write(`# swarm: ${CLONES * COMMITS} pushes in ${seconds.toFixed(1)}s; attempts per push (attempts:pushes) ${spread}; max ${Math.max(...attempts)}; races ${JSON.stringify(Object.fromEntries(reasons))}\n`);
  });
});

/** `update` logs every proposed change with whether it is a fast-forward; post-receive logs what landed. */
function installHooks(remote: string, logDir: string): void {
  const hook = (name: string, body: string) => {
    const path = join(remote, 'hooks', name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  hook('update', `if [ "$2" = ${ZERO} ] || git merge-base --is-ancestor "$2" "$3"; then r=ff; else r=rewrite; fi\necho "$1 $2 $3 $r" >> '${join(logDir, 'update.log')}'`);
  hook('post-receive', `while read old new ref; do echo "$old $new $ref" >> '${join(logDir, 'post-receive.log')}'; done`);
}
