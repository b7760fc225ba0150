// `deploy-watch watch`: one line per change off a TTY, a redrawn spinner line on a real pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { describe, it } from 'node:test';
import { BIN, cliAsync } from '../../support/helpers/cli.js';
import { putRecord, startFakeMonitor, useRepoFixture } from '../../support/helpers/state.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watch', () => {
  const fx = useRepoFixture();
  const { children } = fx;

  /** Waits (up to 20 s) until watch's output shows `text`; then the test's assertions say what is missing. */
  async function untilShown(shown: () => string, text: string): Promise<void> {
    for (let i = 0; i < 400 && !shown().includes(text); i++) await pause(50);
  }

  /**
   * Plays a deployment: building → deploying → the given end, each phase held until watch has shown it
   * (a fixed pause can be shorter than a busy machine takes to run watch's next look).
   */
  async function play(sha: string, end: 'success' | 'failed', shown: () => string): Promise<void> {
    children.push(startFakeMonitor(fx.store, sha));
    const startedAt = new Date().toISOString();
    await putRecord(fx.store, sha, { state: 'building', phase: 'BUILDING', startedAt });
    await untilShown(shown, 'BUILDING');
    await putRecord(fx.store, sha, { state: 'deploying', phase: 'DEPLOYING', startedAt });
    await untilShown(shown, 'DEPLOYING');
    if (end === 'failed') await fx.store.writeLog(sha, 'step 1\nnpm ERR! missing script: build\n');
    await putRecord(fx.store, sha, {
      state: end,
      phase: end === 'success' ? 'ACTIVE' : 'ERROR',
      startedAt,
      finishedAt: new Date().toISOString(),
    });
  }

  it('off a TTY prints one line per change and exits like check', async () => {
    const sha = fx.repo.commit('watch-plain');
    // The deployment plays only once `watch` says it is waiting, however slowly Node starts on a busy machine.
    const child = spawn(process.execPath, [BIN, 'watch', sha, '--interval', '0.05'], {
      cwd: fx.repo.dir,
      env: fx.repo.env,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    await untilShown(() => stdout, 'waiting for a monitor');
    await play(sha, 'failed', () => stdout);
    const r = { code: await exited, stdout, stderr: '' };
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    const changes = lines
      .filter((l) => /^\[\d+s\] [0-9a-f]{7} /.test(l))
      .map((l) =>
        l
          .replace(/^\[\d+s\] [0-9a-f]{7} /, '')
          .split(' · ')
          .slice(0, 2)
          .join(' '),
      );
    assert.deepEqual(changes, [
      'waiting for a monitor to record this commit',
      'building BUILDING',
      'deploying DEPLOYING',
      'failed ERROR',
    ]);
    assert.match(r.stdout, /npm ERR! missing script: build/);
    assert.doesNotMatch(r.stdout, /\x1b\[|\r/, 'no escape codes off a TTY');
  });

  it('on a pseudo-terminal redraws one spinner line in colour', async () => {
    const sha = fx.repo.commit('watch-tty');
    // `script` gives the CLI a real pseudo-terminal as stdout.
    const cmd = `${process.execPath} ${BIN} watch ${sha} --interval 0.05`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], {
      cwd: fx.repo.dir,
      env: { ...fx.repo.env, TERM: 'xterm' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    // As above: the deployment plays once watch shows it is waiting, not after a pause that may be too short.
    await untilShown(() => out, 'waiting for a monitor');
    await play(sha, 'success', () => out);
    const code = await exited;
    assert.equal(code, 0, out);
    assert.match(out, /\r\x1b\[2K\x1b\[33m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m [0-9a-f]{7} building · BUILDING/);
    assert.match(out, /\x1b\[32m✓ deployed\x1b\[39m/);
  });

  it('gives up with 3 when no monitor records the commit in time', async () => {
    const sha = fx.repo.commit('watch-nothing');
    const r = await cliAsync(['watch', sha, '--appear-timeout', '0.3', '--interval', '0.05'], {
      cwd: fx.repo.dir,
      env: fx.repo.env,
    });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /No deployment record for/);
  });
});
