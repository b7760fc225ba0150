// One redaction list for the tool's log and serve's stdout: a secret only one of the two used to know is now
// kept out of both (the store URL's password alone reached the tool's log; a listen URL without a password
// part, serve's stdout).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createDeps } from '../src/main.js';
import { toolLogPath } from '../src/store/files/stateDir.js';
import { makeRepo } from '../support/helpers/repo.js';

const STORE_PASSWORD = 'Pw7storeOnly';
const LISTEN_URL = 'postgresql://poller@10.9.8.7:5432/team?sslpassword=Kq4listenOnly';
const SECRETS = {
  DEPLOY_WATCH_STORE_URL: `postgresql://deploy:${STORE_PASSWORD}@10.9.8.7:6543/team`,
  DEPLOY_WATCH_STORE_LISTEN_URL: LISTEN_URL,
  DIGITALOCEAN_ACCESS_TOKEN: 'access-token-1234',
  DIGITALOCEAN_TOKEN: 'terraform-token-5678',
  DATABASE_URL: 'postgresql://app:Db9secret@10.9.8.6/app',
  // Shapes no pattern knows (an Enterprise Server's or a self-managed GitLab's): only the list keeps them out.
  GITHUB_TOKEN: 'gh-enterprise-4321',
  GH_TOKEN: 'gh-cli-token-2468',
  GITLAB_TOKEN: 'selfmanaged-8765',
};
/** A line with each secret on its own, where no URL pattern would catch it. */
const LINE = `password ${STORE_PASSWORD} listen ${LISTEN_URL} tokens access-token-1234 terraform-token-5678 Db9secret gh-enterprise-4321 gh-cli-token-2468 selfmanaged-8765`;

function assertClean(text: string, where: string): void {
  assert.match(text, /password \[Redacted\]/, `${where} wrote the line: ${text}`);
  for (const secret of [
    STORE_PASSWORD,
    'Kq4listenOnly',
    'access-token-1234',
    'terraform-token-5678',
    'Db9secret',
    'gh-enterprise-4321',
    'gh-cli-token-2468',
    'selfmanaged-8765',
  ])
    assert.ok(!text.includes(secret), `${where} shows ${secret}: ${text}`);
}

describe('one redaction list', () => {
  const repo = makeRepo();
  after(() => repo.cleanup());
  const env = { ...repo.env, ...SECRETS };

  it("the tool's log (runtime.ts) keeps out the store URL's password alone", async () => {
    const io = {
      stdout: { write: () => {}, isTTY: false },
      stderr: { write: () => {}, isTTY: false },
      env,
      cwd: repo.dir,
    };
    const deps = createDeps({ json: false, quiet: false, verbose: false, cwd: '.' }, io);
    (await deps.logger()).info(LINE);
    assertClean(readFileSync(toolLogPath(deps.stateDir()), 'utf8'), "the tool's log");
  });

  it("serve's stdout keeps out a listen URL that has no password part", () => {
    const serve = fileURLToPath(new URL('../src/watcher/serve.js', import.meta.url));
    const script = `const { serveLogger } = await import(${JSON.stringify(serve)});
      (await serveLogger({ env: process.env, globals: { verbose: false } })).info(${JSON.stringify(LINE)});`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
    assertClean(out, "serve's stdout");
  });
});
