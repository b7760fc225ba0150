// A nearly full disk takes fewer bytes than asked: writeFileAtomic goes on writing until every byte is out,
// and a write that takes nothing (or ENOSPC) fails loudly, naming the disk and the fix, with the previous
// file intact and no temp file left.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { writeFileAtomic, type WriteFn } from '../../../src/kernel/fs/atomicWrite.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-short-write-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const LOG = `${Array.from({ length: 3_001 }, (_, i) => `build line ${i + 1} ${'x'.repeat(60)}`).join('\n')}\n`;

/** A disk that takes at most `chunk` bytes per call, and nothing once `capacity` bytes are written. */
function nearlyFull(chunk: number, capacity = Number.POSITIVE_INFINITY): { write: WriteFn; calls: () => number } {
  let written = 0;
  let calls = 0;
  return {
    write: (fd, buffer, offset, length) => {
      calls += 1;
      const take = Math.min(chunk, length, capacity - written);
      if (take <= 0) return 0;
      written += take;
      return writeSync(fd, buffer, offset, take);
    },
    calls: () => calls,
  };
}

describe('writeFileAtomic on a nearly full disk (short writes)', () => {
  it('a write that takes only part of the bytes each time: it goes on until the whole log is written', () => {
    const file = join(dir, 'whole.log');
    const disk = nearlyFull(4_096);
    writeFileAtomic(file, LOG, 0o600, undefined, disk.write);
    assert.equal(readFileSync(file, 'utf8'), LOG, 'every byte of the 3,001-line log is on disk');
    assert.ok(disk.calls() > 10, `written in many short writes (${disk.calls()})`);
  });

  it('a write that takes nothing (disk full): an ENOSPC error naming the file and what was written (the state folder wrapper adds the fix: free space); the previous log is kept', () => {
    const file = join(dir, 'kept.log');
    const previous = 'the previous log\nnpm ERR! the real error\n';
    writeFileSync(file, previous);
    const disk = nearlyFull(8_192, 88_000);
    assert.throws(
      () => writeFileAtomic(file, LOG, 0o600, undefined, disk.write),
      (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'ENOSPC');
        assert.match(error.message, /^no space left on device/);
        assert.match(error.message, new RegExp(`88000 of ${Buffer.byteLength(LOG)} bytes of .*kept\\.log`));
        assert.match(error.message, /previous version is kept/);
        return true;
      },
    );
    assert.equal(readFileSync(file, 'utf8'), previous, 'the previous log is intact, not a cut new one');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temp file left behind',
    );
  });

  it('a write that throws ENOSPC itself: the same named error, the previous file kept', () => {
    const file = join(dir, 'enospc.log');
    writeFileSync(file, 'old\n');
    const write: WriteFn = () => {
      const error: NodeJS.ErrnoException = new Error('ENOSPC: no space left on device, write');
      error.code = 'ENOSPC';
      throw error;
    };
    assert.throws(
      () => writeFileAtomic(file, LOG, 0o600, undefined, write),
      /no space left on device: 0 of .*previous version is kept$/,
    );
    assert.equal(readFileSync(file, 'utf8'), 'old\n');
  });
});
