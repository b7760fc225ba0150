// The detached deploy-watch processes start with the Node flags of their verb: a real child reports its own.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnDetached } from '../../src/kernel/spawnDetached.js';
import { waitFor } from '../../support/worlds/hookedRepo.js';

const dir = mkdtempSync(join(tmpdir(), 'dw-spawn-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in launcher that writes the Node flags it was started with, named by its verb. */
const bin = join(dir, 'bin.mjs');
writeFileSync(
  bin,
  "import { writeFileSync } from 'node:fs';\nwriteFileSync(`${process.argv[2]}.json`, JSON.stringify(process.execArgv));\n",
);

async function nodeFlagsOf(verb: string): Promise<string[]> {
  assert.ok(spawnDetached([verb], { bin, cwd: dir, env: process.env }) > 0);
  const file = join(dir, `${verb}.json`);
  await waitFor(() => existsSync(file) && readFileSync(file, 'utf8'), `${verb}'s flags`);
  return JSON.parse(readFileSync(file, 'utf8')) as string[];
}

describe('spawnDetached', () => {
  it('starts the watcher in V8 memory-over-speed mode, a 1 MB young generation, no optimizing compiler (bench/watcher.ts)', async () => {
    assert.deepEqual(await nodeFlagsOf('watcher'), ['--max-semi-space-size=1', '--optimize-for-size', '--no-opt']);
  });

  it('starts any other verb with Node as it comes', async () => {
    assert.deepEqual(await nodeFlagsOf('monitor'), []);
  });
});
