// The hand-over's own entry point (build/cli/handOver.cjs: `monitor --detach` and the post-push step
// `hook watch`, without the command table): which calls it takes, and that it answers them as main.ts does,
// word for word and with the same exit code.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parseHandOver } from '../../src/handOverMain.js';
import { useRepoFixture } from '../../support/helpers/state.js';

const CLI = fileURLToPath(new URL('../../cli/', import.meta.url));
const SHA = 'a'.repeat(40);

describe('the hand-over entry point takes only the calls it answers as main.ts would', () => {
  it('monitor --detach with a commit, --branch and --remote; the hook watch line as the hook writes it', () => {
    assert.deepEqual(parseHandOver(['monitor', 'HEAD', '--detach', '--branch', 'main', '--remote', 'origin']), {
      kind: 'monitor',
      commit: 'HEAD',
      branch: 'main',
      remote: 'origin',
    });
    assert.deepEqual(parseHandOver(['monitor', '--detach']), { kind: 'monitor' });
    const line = ['hook', 'watch', SHA, '--branch', 'main', '--remote', 'origin', '--pid', '42', '--start', ''];
    assert.deepEqual(parseHandOver([...line, '--since', '1700000000000']), {
      kind: 'post-push',
      sha: SHA,
      flags: { branch: 'main', remote: 'origin', pid: '42', start: '', since: '1700000000000' },
    });
  });

  it('hands main.ts the foreground monitor, --json, help, flags written --flag=value, repeats and missing flags', () => {
    for (const argv of [
      ['monitor', SHA],
      ['monitor', SHA, '--detach', '--json'],
      ['monitor', '--detach', '--help'],
      ['monitor', '--detach', '--branch=main'],
      ['monitor', '--detach', '--branch'],
      ['monitor', 'a', 'b', '--detach'],
      ['monitor', '--detach', '--detach'],
      ['hook', 'watch', SHA, '--branch', 'main'],
      ['hook', 'watch', SHA, '--branch', 'main', '--remote', 'origin', '--remote', 'other'],
      ['hook', 'watch', SHA, '--branch', 'main', '--remote', 'origin', '--bogus', 'x'],
      ['hook', 'watch', '--branch', 'main', '--remote', 'origin'],
      ['hook', 'pre-push', 'origin', 'url'],
      ['check'],
    ])
      assert.equal(parseHandOver(argv), null, argv.join(' '));
  });
});

describe('the hand-over entry point answers as main.ts does', () => {
  const fx = useRepoFixture();
  const run = (entry: 'handOver' | 'main', args: string[]) => {
    const body =
      entry === 'handOver'
        ? `const c = await (await import(${JSON.stringify(join(CLI, 'handOver.cjs'))})).runFast(process.argv.slice(1)); process.exitCode = c ?? 99;`
        : `await (await import(${JSON.stringify(join(CLI, 'main.js'))})).main(process.argv.slice(1));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', body, ...args], {
      cwd: fx.repo.dir,
      env: fx.repo.env,
      encoding: 'utf8',
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  it('hook watch with anything but a full commit id: 64 from both, and nothing outside the state folder touched', () => {
    const outside = join(fx.repo.root, 'outside.txt');
    writeFileSync(outside, 'keep\n');
    const args = ['hook', 'watch', '../../../outside.txt', '--branch', 'main', '--remote', 'origin', '--timeout', '0'];
    const fast = run('handOver', args);
    assert.equal(fast.code, 64, fast.stderr);
    assert.match(fast.stderr, /full commit id/);
    assert.deepEqual(fast, run('main', args));
    assert.equal(readFileSync(outside, 'utf8'), 'keep\n');
  });

  it('a bad --branch (64), a commit git does not know (64), and no source configured (78)', () => {
    writeFileSync(join(fx.repo.dir, 'deploy-watch.config.json'), '{ "branch": "main" }\n');
    for (const [args, code] of [
      [['monitor', '--detach', '--branch', 'a..b'], 64],
      [['monitor', 'no-such-commit', '--detach'], 64],
      [['monitor', '--detach'], 78],
    ] as const) {
      const fast = run('handOver', [...args]);
      assert.equal(fast.code, code, `${args.join(' ')}: ${fast.stderr}`);
      assert.deepEqual(fast, run('main', [...args]), `${args.join(' ')}: handOver.cjs and main.js differ`);
    }
  });
});
