// The pre-push hook's marks of a push in flight (store/files/pushMarks.ts): read back as written, by the
// Node path and the shell path, with a start time that has spaces where ps gives it (no /proc: macOS); a
// mark of a gone or reused PID is no step; and a state folder that is a file makes marking fail quietly.
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { processStartTime } from '../../../src/kernel/fs/pidFile.js';
import { markPushing, parseMark, pushingStep, removeStalePushMarks } from '../../../src/store/files/pushMarks.js';
import { makeTempDir } from '../../../support/helpers/repo.js';

const SHA = 'b'.repeat(40);

describe('push marks', () => {
  const dir = makeTempDir();
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads "<pid> <start time>" whole, spaces and all (ps gives "Sat Dec  7 03:49:00 2025")', () => {
    assert.deepEqual(parseMark('4242 Sat Dec  7 03:49:00 2025\n'), {
      pid: 4242,
      startTime: 'Sat Dec  7 03:49:00 2025',
    });
    assert.deepEqual(parseMark('4242 123456\n'), { pid: 4242, startTime: '123456' });
    assert.deepEqual(parseMark('4242 \n'), { pid: 4242, startTime: null }); // the shell's, where /proc said nothing
    assert.deepEqual(parseMark('4242\n'), { pid: 4242, startTime: null });
    for (const bad of ['', 'x 1', '1 1', '-5', '42.5 1']) assert.equal(parseMark(bad), null, JSON.stringify(bad));
  });

  it('a live step is found by its mark; a reused or gone PID is not, and cleanup removes its mark', () => {
    const state = join(dir, 'state');
    assert.equal(markPushing(state, SHA, process.pid), true);
    assert.equal(pushingStep(state, SHA, Date.now()), process.pid);
    writeFileSync(join(state, 'pushing', SHA), `${process.pid} ${processStartTime(process.pid)}1\n`);
    assert.equal(pushingStep(state, SHA, Date.now()), null, 'another start time: a reused PID');
    assert.deepEqual(removeStalePushMarks(state, Date.now()), [join(state, 'pushing', SHA)]);
    assert.equal(pushingStep(state, SHA, Date.now()), null);
  });

  it('a state folder that is a file: marking fails quietly, nothing thrown', () => {
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    assert.equal(markPushing(file, SHA, process.pid), false);
    mkdirSync(join(dir, 'empty'));
    assert.deepEqual(removeStalePushMarks(join(dir, 'empty'), Date.now()), []);
  });
});
