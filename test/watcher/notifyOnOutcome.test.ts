// A monitor that reaches a final state notifies: a real webhook server and a real shell command.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cliAsync } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';

describe('monitor notifications', () => {
  let repo: TestRepo;
  before(() => (repo = makeRepo()));
  after(() => repo.cleanup());

  it('posts the outcome to the webhook and runs the command, once, when the deployment succeeds', async () => {
    const posts: string[] = [];
    const sha = repo.git('rev-parse', 'HEAD');
    const server = createServer((req, res) => {
      if (req.url === '/health') return void res.writeHead(200).end(JSON.stringify({ ok: true, commit: sha }));
      let body = '';
      req
        .setEncoding('utf8')
        .on('data', (d: string) => (body += d))
        .on('end', () => {
          posts.push(body);
          res.end('ok');
        });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    const out = join(repo.root, 'notified.txt');
    writeFileSync(
      join(repo.dir, 'deploy-watch.config.json'),
      JSON.stringify({
        health: { url: `${base}/health` },
        notify: { webhook: `${base}/hook`, command: `echo "$DEPLOY_WATCH_STATE $DEPLOY_WATCH_SHA" >> ${out}` },
      }),
    );
    try {
      const r = await cliAsync(['monitor'], { cwd: repo.dir, env: repo.env });
      assert.equal(r.code, 0, r.stdout + r.stderr);
      // The watcher announces right after it records the outcome, which is when `monitor` returned.
      for (let i = 0; i < 100 && !(posts.length > 0 && existsSync(out)); i++)
        await new Promise((res) => setTimeout(res, 50));
      await new Promise((res) => setTimeout(res, 200)); // and never a second time
      assert.equal(posts.length, 1);
      const payload = JSON.parse(posts[0]!);
      assert.match(payload.text, new RegExp(`^:white_check_mark: ${sha.slice(0, 7)} deployed`));
      assert.equal(payload.deployWatch.state, 'success');
      assert.ok(existsSync(out));
      assert.equal(readFileSync(out, 'utf8'), `success ${sha}\n`);
    } finally {
      server.close();
    }
  });
});
