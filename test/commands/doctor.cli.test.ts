// `deploy-watch doctor` against a good setup and a broken one, with real local servers.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliAsync } from '../../support/helpers/cli.js';
import { POST_CHECKOUT_BLOCK, PRE_PUSH_BLOCK } from '../../src/hooks/huskyHook.js';
import { startPostgres, withClient, type TestPostgres } from '../../support/helpers/postgres.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';

const APP_ID = '4f6c71e2-1e90-4762-9fee-6cc4a0a9f2cf';
const TOKEN = 'dop_v1_doctortoken0123456789';

function appJson(deployOnPush: boolean) {
  return {
    app: {
      id: APP_ID,
      spec: {
        name: 'shop',
        services: [{ name: 'web', github: { repo: 'acme/shop', branch: 'main', deploy_on_push: deployOnPush } }],
      },
    },
  };
}

describe('doctor', () => {
  let repo: TestRepo;
  let server: Server;
  let base = '';
  let deployOnPush = true;
  let pg: TestPostgres | { skip: string };
  before(async () => {
    repo = makeRepo();
    server = createServer((req, res) => {
      // Serving HEAD, named where apps commonly put it; /up answers 200 without naming any commit.
      if (req.url === '/health')
        return void res.writeHead(200, { 'x-commit-sha': repo.git('rev-parse', 'HEAD') }).end('ok');
      if (req.url === '/up') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      if (req.url === '/down') return void res.writeHead(503).end('down');
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        return void res
          .writeHead(401, { 'content-type': 'application/json' })
          .end('{"id":"unauthorized","message":"Unable to authenticate you."}');
      }
      if (req.url === `/v2/apps/${APP_ID}`)
        return void res
          .writeHead(200, { 'content-type': 'application/json' })
          .end(JSON.stringify(appJson(deployOnPush)));
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end('{"id":"not_found","message":"The resource you requested could not be found."}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    pg = await startPostgres();
    if (!('skip' in pg)) {
      await withClient(pg.url, (c) =>
        c.query('create table deployments (commit_sha text, status text, created_at timestamptz default now())'),
      );
    }
  });
  after(async () => {
    server.close();
    if (!('skip' in pg)) await pg.stop();
    repo.cleanup();
  });

  // Async: the fake servers live in this process and must keep answering while the CLI runs.
  const doctor = (env: NodeJS.ProcessEnv) =>
    cliAsync(['doctor'], { cwd: repo.dir, env: { ...repo.env, DEPLOY_WATCH_DO_API_URL: base, ...env } });
  const config = (health: string) =>
    writeFileSync(
      join(repo.dir, 'deploy-watch.config.json'),
      JSON.stringify({
        digitalocean: { appId: APP_ID },
        health: { url: `${base}${health}`, timeout: 2 },
        database: { timeout: 2 },
      }),
    );

  it('passes every check on a good setup', async () => {
    // What init and npm install leave: the hook files, and husky's runner that git runs.
    mkdirSync(join(repo.dir, '.husky', '_'), { recursive: true });
    writeFileSync(join(repo.dir, '.husky', 'pre-push'), `${PRE_PUSH_BLOCK.join('\n')}\n`);
    writeFileSync(join(repo.dir, '.husky', 'post-checkout'), `${POST_CHECKOUT_BLOCK.join('\n')}\n`);
    chmodSync(join(repo.dir, '.husky', 'pre-push'), 0o755);
    for (const stub of ['h', 'pre-push']) writeFileSync(join(repo.dir, '.husky', '_', stub), '#!/usr/bin/env sh\n');
    repo.git('config', 'core.hooksPath', '.husky/_');
    config('/health');
    const dbUrl = 'skip' in pg ? undefined : pg.url;
    const r = await doctor({ DIGITALOCEAN_ACCESS_TOKEN: TOKEN, ...(dbUrl ? { DATABASE_URL: dbUrl } : {}) });
    assert.equal(r.code, 0, r.stdout + r.stderr);
    for (const line of [
      '✓ Node.js',
      '✓ pre-push hook',
      '✓ config',
      '✓ DigitalOcean token: accepted',
      '✓ DigitalOcean app: found: shop',
      '✓ deploy on push: on for web (branch main)',
      '✓ health endpoint: answering (for HEAD: success, HTTP 200); the health endpoint reports commit',
      '✓ state folder',
    ]) {
      assert.ok(r.stdout.includes(line), `${line}\n${r.stdout}`);
    }
    assert.match(
      r.stdout,
      dbUrl ? /✓ database: answering \(for HEAD: pending\)/ : /✗ database: DATABASE_URL is not set/,
    );
    assert.ok(!r.stdout.includes(TOKEN));
  });

  it('names each broken part with its fix, and exits 1', async () => {
    repo.git('config', '--unset', 'core.hooksPath');
    deployOnPush = false;
    config('/down');
    const r = await doctor({
      DIGITALOCEAN_ACCESS_TOKEN: 'dop_v1_wrong',
      DATABASE_URL: 'postgresql://app:sekrit@127.0.0.1:1/none',
    });
    assert.equal(r.code, 1);
    assert.match(
      r.stdout,
      /✗ pre-push hook: git does not run Husky's hooks \(core\.hooksPath is unset\)\n {4}fix: Run: npx husky/,
    );
    assert.match(r.stdout, /✗ DigitalOcean token: rejected \(HTTP 401\)\n {4}fix: The token is wrong/);
    assert.match(r.stdout, /✗ health endpoint: .*503/);
    assert.match(r.stdout, /✗ database: /);
    assert.ok(!r.stdout.includes('sekrit') && !r.stdout.includes('dop_v1_wrong'), 'no secret printed');
    const withToken = await doctor({ DIGITALOCEAN_ACCESS_TOKEN: TOKEN });
    assert.match(withToken.stdout, /✗ deploy on push: deploy_on_push is off for web/);
    const json = JSON.parse(
      (await cliAsync(['--json', 'doctor'], { cwd: repo.dir, env: { ...repo.env, DEPLOY_WATCH_DO_API_URL: base } }))
        .stdout,
    ) as Array<{ name: string; verdict: string }>;
    assert.equal(json.find((c) => c.name === 'DigitalOcean token')?.verdict, 'fail');
  });

  it('a health endpoint that names no commit fails alone and warns beside DigitalOcean, the fix naming where to report it', async () => {
    const write = (config: object) => writeFileSync(join(repo.dir, 'deploy-watch.config.json'), JSON.stringify(config));
    write({ health: { url: `${base}/up`, timeout: 2 } });
    const alone = await doctor({});
    assert.equal(alone.code, 1);
    assert.match(
      alone.stdout,
      /✗ health endpoint: up, but names no commit: the health source alone can say the app is up, never that a commit deployed/,
    );
    const fix = /✗ health endpoint: .*\n {4}fix: (.*)/.exec(alone.stdout)?.[1] ?? '';
    assert.match(fix, /^Set health\.commit to where the endpoint reports its commit/);
    for (const place of [
      'x-commit-sha',
      'x-app-version',
      '$.commit',
      '$.git.commit.id',
      '$.version.commit',
      '_self.COMMIT_HASH',
    ])
      assert.ok(fix.includes(place), `the fix names ${place}: ${fix}`);
    write({ digitalocean: { appId: APP_ID }, health: { url: `${base}/up`, timeout: 2 } });
    const beside = await cliAsync(['--json', 'doctor'], {
      cwd: repo.dir,
      env: { ...repo.env, DEPLOY_WATCH_DO_API_URL: base, DIGITALOCEAN_ACCESS_TOKEN: TOKEN },
    });
    const health = (JSON.parse(beside.stdout) as Array<{ name: string; verdict: string; detail: string }>).find(
      (c) => c.name === 'health endpoint',
    );
    assert.equal(health?.verdict, 'warn', beside.stdout);
    assert.match(health?.detail ?? '', /^up, but names no commit/);
  });
});
