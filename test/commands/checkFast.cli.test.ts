// check's own entry point (build/cli/check.cjs, what bin/deploy-watch.js runs first for `check`) against the
// command table's (build/cli/main.js): the same answer, word for word, for every exit code, human and JSON,
// and the fast entry gives it itself (it used to hand exit 3 and 78 back to main.ts, starting twice). And the
// config's verdict that lets it answer without zod: kept per config, environment and schema.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { VERDICT_FILE } from '../../src/kernel/config/configVerdict.js';
import { cli } from '../../support/helpers/cli.js';
import { putRecord, startFakeMonitor, useRepoFixture } from '../../support/helpers/state.js';

const CLI = fileURLToPath(new URL('../../cli/', import.meta.url));
/** runFast returned null: main.ts would have had to answer. */
const HANDED_BACK = 99;

describe('check: the fast entry answers every call itself, as main.ts does', () => {
  const fx = useRepoFixture();
  const run = (entry: 'check' | 'main', args: string[], env: NodeJS.ProcessEnv = {}) => {
    const body =
      entry === 'check'
        ? `const c = await (await import(${JSON.stringify(join(CLI, 'check.cjs'))})).runFast(process.argv.slice(1)); process.exitCode = c ?? ${HANDED_BACK};`
        : `await (await import(${JSON.stringify(join(CLI, 'main.js'))})).main(process.argv.slice(1));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', body, 'check', ...args], {
      cwd: fx.repo.dir,
      env: { ...fx.repo.env, ...env },
      encoding: 'utf8',
    });
    // Ages move on between the two runs ("updated 0s ago", "1s ago").
    const steady = (s: string) => s.replace(/\d+(s|m|h|d) ago/g, 'N ago');
    return { code: r.status, stdout: steady(r.stdout), stderr: steady(r.stderr) };
  };
  const same = (args: string[], code: number, env: NodeJS.ProcessEnv = {}) => {
    for (const json of [false, true]) {
      const argv = json ? ['--json', ...args] : args;
      const fast = run('check', argv, env);
      const main = run('main', argv, env);
      assert.equal(fast.code, code, `check ${argv.join(' ')} from check.cjs: ${fast.stderr}`);
      assert.deepEqual(fast, main, `check ${argv.join(' ')}: check.cjs and main.js differ`);
    }
  };

  it('0 deployed, 1 failed, 2 in progress: the same answer', async () => {
    const deployed = fx.repo.commit('deployed');
    await putRecord(fx.store, deployed, { state: 'success', finishedAt: new Date().toISOString() });
    same([], 0);
    const failed = fx.repo.commit('failed');
    await putRecord(fx.store, failed, {
      state: 'failed',
      message: 'build failed',
      finishedAt: new Date().toISOString(),
    });
    same([failed], 1);
    const building = fx.repo.commit('building');
    const monitor = startFakeMonitor(fx.store);
    fx.children.push(monitor);
    await putRecord(fx.store, building, { state: 'building', pid: monitor.pid! });
    same([building], 2);
    same(['--wait', '0', building], 2);
    monitor.kill('SIGKILL');
  });

  it('3 no record, 78 config invalid, 64 a bad --wait or commit: the same answer', () => {
    const none = fx.repo.commit('nobody watched');
    same([none], 3);
    same([none], 3); // the second from the kept verdict
    same([none], 78, { DEPLOY_WATCH_DO_API_URL: 'ftp://example.test' });
    same(['--wait', 'soon', none], 64);
    same(['--wait=-1'], 64);
    same(['no-such-commit'], 64);
    writeFileSync(join(fx.repo.dir, 'deploy-watch.config.json'), '{ "polling": { "timeout": "long" } }\n');
    same([none], 78);
    writeFileSync(join(fx.repo.dir, 'deploy-watch.config.json'), '{ not json\n');
    same([none], 78);
  });

  it('hands main.ts only what commander words: unknown flags, --all, help', () => {
    for (const args of [['--bogus'], ['--all'], ['--help'], ['a', 'b'], ['--wait']])
      assert.equal(run('check', args).code, HANDED_BACK, args.join(' '));
    // The team store reads its schema and project from the config: main.ts answers, whatever the call.
    const team = { DEPLOY_WATCH_STORE_URL: 'postgresql://nobody@127.0.0.1:1/none' };
    for (const args of [[], ['--json'], ['--wait', 'soon']])
      assert.equal(run('check', args, team).code, HANDED_BACK, `team: ${args.join(' ')}`);
  });
});

describe("check: the config's kept verdict", () => {
  const fx = useRepoFixture();
  const verdict = () => join(fx.repo.dir, '.git', VERDICT_FILE);
  const config = (text: string) => writeFileSync(join(fx.repo.dir, 'deploy-watch.config.json'), text);
  const checkWith = (env: NodeJS.ProcessEnv) => cli(['check'], { cwd: fx.repo.dir, env: { ...fx.repo.env, ...env } });
  const verdicts = () =>
    (JSON.parse(readFileSync(verdict(), 'utf8')) as { verdicts: Array<{ question: string; problem: string | null }> })
      .verdicts;

  it('answers from the verdict while the config and environment are the ones it was reached from', () => {
    config('{ "branch": "main" }\n');
    assert.equal(fx.dw('check').code, 3);
    // A verdict that says otherwise is believed: proof that zod did not answer again.
    const kept = verdicts();
    assert.equal(kept.length, 1);
    assert.equal(kept[0]!.problem, null);
    writeFileSync(verdict(), JSON.stringify({ verdicts: [{ ...kept[0], problem: 'kept verdict' }] }));
    const r = fx.dw('check');
    assert.equal(r.code, 78);
    assert.match(r.stderr, /kept verdict/);
  });

  it('keeps the verdicts of calls that alternate, so that neither sends the other back to zod', () => {
    rmSync(verdict(), { force: true });
    config('{ "branch": "main" }\n');
    const override = { DEPLOY_WATCH_BRANCH: 'release' };
    assert.equal(fx.dw('check').code, 3);
    assert.equal(checkWith(override).code, 3);
    const [withOverride, without] = verdicts();
    assert.ok(withOverride && without && withOverride.question !== without.question, 'two questions, two verdicts');
    // Each kept verdict is believed for its own question: neither call asked zod again.
    const tampered = [
      { ...withOverride, problem: 'kept for the override' },
      { ...without, problem: 'kept for the plain call' },
    ];
    writeFileSync(verdict(), JSON.stringify({ verdicts: tampered }));
    assert.match(fx.dw('check').stderr, /kept for the plain call/);
    assert.match(checkWith(override).stderr, /kept for the override/);
  });

  it('asks zod again when the config or an environment override changes, or the verdict is unreadable', () => {
    rmSync(verdict(), { force: true }); // the tampered one above
    config('{ "branch": "main" }\n');
    assert.equal(fx.dw('check').code, 3);
    config('{ "branch": "main", "polling": { "timeout": "long" } }\n');
    const edited = fx.dw('check');
    assert.equal(edited.code, 78);
    assert.match(edited.stderr, /polling\.timeout/);
    config('{ "branch": "main" }\n');
    assert.equal(fx.dw('check').code, 3);
    const env = { ...fx.repo.env, DEPLOY_WATCH_DO_API_URL: 'ftp://example.test' };
    const r = spawnSync(process.execPath, [join(CLI, '../../bin/deploy-watch.js'), 'check'], {
      cwd: fx.repo.dir,
      env,
      encoding: 'utf8',
    });
    assert.equal(r.status, 78, r.stderr);
    writeFileSync(verdict(), '{"question":');
    assert.equal(fx.dw('check').code, 3);
  });
});
