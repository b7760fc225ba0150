// Boundaries the layer test cannot see, read from the source text as it reads imports.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const SRC = fileURLToPath(new URL('../../src', import.meta.url));

/** Files of src/ (paths relative to it, forward slashes) whose text matches `pattern`. */
function filesMatching(pattern: RegExp): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(SRC, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const full = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name);
    if (pattern.test(readFileSync(full, 'utf8'))) found.push(relative(SRC, full).split(sep).join('/'));
  }
  return found.sort();
}

describe('boundaries', () => {
  it('only the entry points end the process (kernel/errors.ts): the rest return exit codes', () => {
    // watcherMain.ts and handOverMain.ts end the process as main.ts would when asked to leave (a timer may hold the loop).
    const entryPoints = new Set(['main.ts', 'checkMain.ts', 'hookMain.ts', 'watcherMain.ts', 'handOverMain.ts']);
    const exiting = filesMatching(/\bprocess\.exit\(/);
    assert.ok(exiting.includes('main.ts'), `expected the source tree at ${SRC}: ${exiting.join(', ')}`);
    assert.deepEqual(
      exiting.filter((file) => !entryPoints.has(file)),
      [],
      'return an exit code, or ask for the end through Deps.leaveWhenDone',
    );
  });

  it('only src/sources/ speaks to DigitalOcean: its URL, its paths and its bearer header live there', () => {
    // The config names the default base URL (DEPLOY_WATCH_DO_API_URL overrides it) and speaks to nobody.
    const namesTheDefault = new Set(['kernel/config/config.ts']);
    // Other APIs' clients send their own bearer header (GitHub's, in src/publish/): never DigitalOcean's paths.
    const otherApis = new Set(filesMatching(/^\/\/ The only code that speaks to (GitHub|GitLab)/));
    const speaking = [
      ...filesMatching(/api\.digitalocean\.com|\/v2\/apps/),
      ...filesMatching(/Bearer /).filter((file) => !otherApis.has(file)),
    ];
    assert.ok(speaking.includes('sources/digitalocean/client.ts'), `expected the source tree at ${SRC}`);
    assert.deepEqual(
      speaking.filter((file) => !file.startsWith('sources/') && !namesTheDefault.has(file)),
      [],
      'build the client with sources/digitalocean/connect.ts (digitalOceanClient, probeApp)',
    );
  });
});
