// 20 processes write and read one record at once: a reader never sees a torn file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '../../../support/helpers/repo.js';
import { rmSync } from 'node:fs';

const WORKER = fileURLToPath(new URL('../../../support/store/concurrencyWorker.js', import.meta.url));

describe('atomic records under contention', () => {
  let dir: string;
  before(() => (dir = makeTempDir()));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('20 writers/readers, 200 rounds each: every read is a whole, valid record', async () => {
    const sha = 'e'.repeat(40);
    const results = await Promise.all(
      Array.from(
        { length: 20 },
        (_, i) =>
          new Promise<{ code: number | null; out: string }>((resolve) => {
            const child = spawn(process.execPath, [WORKER, dir, sha, String(i), '200'], {
              stdio: ['ignore', 'pipe', 'inherit'],
            });
            let out = '';
            child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
            child.on('close', (code) => resolve({ code, out }));
          }),
      ),
    );
    let reads = 0;
    for (const r of results) {
      assert.equal(r.code, 0, r.out);
      const summary = JSON.parse(r.out) as { reads: number; torn: number; missing: number };
      assert.equal(summary.torn, 0, 'no torn or invalid read');
      reads += summary.reads;
    }
    assert.ok(reads >= 20 * 200);
    const leftovers = readdirSync(join(dir, 'runs')).filter((n) => n.endsWith('.tmp'));
    assert.deepEqual(leftovers, [], 'no temp file left behind');
  });
});
