// The README's first command, end to end: what it prints, and that it leaves nothing behind, even on Ctrl-C.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { processesUnder } from '../../support/helpers/processes.js';

const DEMO = fileURLToPath(new URL('../../demo/run.js', import.meta.url));

function startDemo() {
  const child = spawn(process.execPath, [DEMO], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NO_COLOR: '1' },
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const done = new Promise<number | null>((r) => child.on('close', r));
  return { child, done, output: () => out };
}

const rootOf = (out: string) => /repository (\S+)\/shop,/.exec(out)?.[1];

describe('npm run demo', () => {
  it('pushes a commit that deploys and one that fails, shows both, and cleans up', { timeout: 120_000 }, async () => {
    const demo = startDemo();
    const code = await demo.done;
    const out = demo.output();
    assert.equal(code, 0, out);
    assert.match(out, /the push returned in \d+\.\d\d s/);
    assert.match(
      out,
      /\$ deploy-watch watch[\s\S]*building · BUILDING[\s\S]*✓ deployed [0-9a-f]{7} \(main → origin\)[\s\S]*→ exit 0/,
    );
    assert.match(out, /✗ failed [0-9a-f]{7}[\s\S]*npm ERR! code ELIFECYCLE[\s\S]*→ exit 1/);
    assert.match(out, /c?[0-9a-f]{7}\s+main\s+failed[\s\S]*main\s+success/);
    assert.match(out, /Cleaned up: watcher stopped, servers closed, temporary folder removed\./);
    const root = rootOf(out)!;
    assert.ok(root && !existsSync(root), 'the temporary folder is gone');
    assert.deepEqual(processesUnder(root), [], 'no process left behind');
  });

  it('cleans up on Ctrl-C in the middle of a deployment', { timeout: 60_000 }, async () => {
    const demo = startDemo();
    const deadline = Date.now() + 30_000;
    while (!/\$ deploy-watch watch/.test(demo.output()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const root = rootOf(demo.output())!;
    assert.ok(root, demo.output());
    demo.child.kill('SIGINT');
    const code = await demo.done;
    assert.equal(code, 130, demo.output());
    assert.match(demo.output(), /SIGINT: cleaning up/);
    assert.ok(!existsSync(root), 'the temporary folder is gone');
    // SIGKILLed processes take a moment to go on a busy machine: wait for that (one left over fails below).
    const killedBy = Date.now() + 10_000;
    while (processesUnder(root).length > 0 && Date.now() < killedBy) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(processesUnder(root), [], 'no monitor or watcher left running');
  });
});
