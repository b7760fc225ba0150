// `deploy-watch watch`: one line per change off a TTY, a redrawn spinner line on a real pseudo-terminal.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { FileStatusStore } from '../../src/core/statusStore.js';
import { BIN, cliAsync } from '../helpers/cli.js';
import { makeRepo, type TestRepo } from '../helpers/repo.js';
import { killQuietly, putRecord, startFakeMonitor, storeFor } from '../helpers/state.js';

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('watch', () => {
  let repo: TestRepo;
  let store: FileStatusStore;
  const children: ChildProcess[] = [];
  before(() => {
    repo = makeRepo();
    store = storeFor(join(repo.dir, '.git'));
  });
  after(() => {
    children.forEach(killQuietly);
    repo.cleanup();
  });

  /** Plays a deployment: building → deploying → the given end, 300 ms apart. */
  async function play(sha: string, end: 'success' | 'failed'): Promise<void> {
    children.push(startFakeMonitor(store, sha));
    const startedAt = new Date().toISOString();
    await putRecord(store, sha, { state: 'building', phase: 'BUILDING', startedAt });
    await pause(300);
    await putRecord(store, sha, { state: 'deploying', phase: 'DEPLOYING', startedAt });
    await pause(300);
    if (end === 'failed') await store.writeLog(sha, 'step 1\nnpm ERR! missing script: build\n');
    await putRecord(store, sha, { state: end, phase: end === 'success' ? 'ACTIVE' : 'ERROR', startedAt, finishedAt: new Date().toISOString() });
  }

  it('off a TTY prints one line per change and exits like check', async () => {
    const sha = repo.commit('watch-plain');
    const watching = cliAsync(['watch', sha, '--interval', '0.05'], { cwd: repo.dir, env: repo.env });
    await pause(200);
    await play(sha, 'failed');
    const r = await watching;
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    const changes = lines.filter((l) => /^\[\d+s\] [0-9a-f]{7} /.test(l)).map((l) => l.replace(/^\[\d+s\] [0-9a-f]{7} /, '').split(' · ').slice(0, 2).join(' '));
    assert.deepEqual(changes, ['waiting for a monitor to record this commit', 'building BUILDING', 'deploying DEPLOYING', 'failed ERROR']);
    assert.match(r.stdout, /npm ERR! missing script: build/);
    assert.doesNotMatch(r.stdout, /\x1b\[|\r/, 'no escape codes off a TTY');
  });

  it('on a pseudo-terminal redraws one spinner line in colour', async () => {
    const sha = repo.commit('watch-tty');
    // `script` gives the CLI a real pseudo-terminal as stdout.
    const cmd = `${process.execPath} ${BIN} watch ${sha} --interval 0.05`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { cwd: repo.dir, env: { ...repo.env, TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('close', r));
    await pause(200);
    await play(sha, 'success');
    const code = await exited;
    assert.equal(code, 0, out);
    assert.match(out, /\r\x1b\[2K\x1b\[33m[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]\x1b\[39m [0-9a-f]{7} building · BUILDING/);
    assert.match(out, /\x1b\[32m✓ deployed\x1b\[39m/);
  });

  it('gives up with 3 when no monitor records the commit in time', async () => {
    const sha = repo.commit('watch-nothing');
    const r = await cliAsync(['watch', sha, '--appear-timeout', '0.3', '--interval', '0.05'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 3);
    assert.match(r.stdout, /No deployment record for/);
  });
});
