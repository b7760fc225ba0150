// stdout written on its descriptor (kernel/fdOutput.ts), faults included: a non-blocking pipe whose reader is
// slow (EAGAIN: the rest goes through the stream, every line once and in order) and a reader that went away
// (EPIPE, `check | head -1`: the writer ends quietly, exit 0, nothing on stderr).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';

const FD_OUTPUT = fileURLToPath(new URL('../../src/kernel/fdOutput.js', import.meta.url));
const LINES = 4000;
/** A child that writes LINES numbered lines of ~300 bytes through fdOutput(1); `nonBlocking`: as libuv leaves a pipe. */
const writer = (nonBlocking: boolean) =>
  spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { fdOutput } = await import(${JSON.stringify(FD_OUTPUT)});
       ${nonBlocking ? 'process.stdout;' /* building the stream makes the pipe non-blocking */ : ''}
       const out = fdOutput(1, () => process.stdout);
       for (let i = 0; i < ${LINES}; i++) out.write(String(i).padStart(6, '0') + ' ' + 'x'.repeat(290) + '\\n');
       (await import('node:fs')).writeSync(2, 'written\\n');`,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );

describe('fdOutput', () => {
  it('EAGAIN on a non-blocking pipe with a slow reader: every line arrives once, in order', async () => {
    const child = writer(true);
    let text = '';
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    // Nothing read until the child has written every line: 1.2 MB cannot fit a pipe, so the loop ends only if
    // writeSync met EAGAIN and the rest went to the stream's buffer (a throw would crash the child first).
    child.stdout.pause();
    await new Promise<void>((resolve, reject) => {
      child.stderr.on('data', () => stderr.includes('written') && resolve());
      child.on('close', (code) => reject(new Error(`exited ${code} before writing every line: ${stderr}`)));
    });
    child.stdout.on('data', (d) => (text += d));
    child.stdout.resume();
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 0, stderr);
    assert.equal(stderr, 'written\n');
    const numbers = text
      .split('\n')
      .filter(Boolean)
      .map((line) => Number(line.slice(0, 6)));
    assert.equal(numbers.length, LINES);
    assert.ok(
      numbers.every((n, i) => n === i),
      'in order, none twice',
    );
  });

  it('EPIPE when the reader has gone: the writer ends quietly with exit 0', async () => {
    const child = writer(false);
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.once('data', () => child.stdout.destroy()); // `| head -1`
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(stderr, 'written\n', 'no error, and the loop ran to its end');
    assert.equal(code, 0);
  });
});
