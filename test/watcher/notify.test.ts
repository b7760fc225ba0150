// Notifications reach a real local webhook and a real shell command; failures never throw.
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { notifyOutcome } from '../../src/watcher/notify.js';
import { newRecord } from '../../src/store/statusRecord.js';
import { makeTempDir } from '../../support/helpers/repo.js';

const record = newRecord(
  {
    sha: '1234567'.padEnd(40, '0'),
    state: 'failed',
    branch: 'main',
    deploymentId: 'dep-9',
    message: 'build step failed',
  },
  'x',
);

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req
      .setEncoding('utf8')
      .on('data', (d: string) => (data += d))
      .on('end', () => resolve(data));
  });
}

describe('notify', () => {
  it('posts Slack-compatible JSON to the webhook and runs the command with the record in env', async () => {
    const dir = makeTempDir();
    const received: Array<{ method?: string; type?: string; body: string }> = [];
    const server = createServer(async (req, res) => {
      received.push({ method: req.method, type: req.headers['content-type'], body: await body(req) });
      res.end('ok');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    const warnings: string[] = [];
    try {
      const out = join(dir, 'env.txt');
      await notifyOutcome(
        record,
        {
          command: `printf '%s %s %s' "$DEPLOY_WATCH_STATE" "$DEPLOY_WATCH_SHA" "$DEPLOY_WATCH_DEPLOYMENT_ID" > ${out}`,
          webhook: `http://127.0.0.1:${port}/hook`,
        },
        { env: process.env, cwd: dir, warn: (m) => warnings.push(m) },
      );
      assert.deepEqual(warnings, []);
      assert.equal(received.length, 1);
      assert.equal(received[0]!.method, 'POST');
      assert.equal(received[0]!.type, 'application/json');
      const payload = JSON.parse(received[0]!.body);
      assert.equal(payload.text, ':x: 1234567 failed — main · deployment dep-9 · build step failed');
      assert.equal(payload.deployWatch.sha, record.sha);
      assert.equal(readFileSync(out, 'utf8'), `failed ${record.sha} dep-9`);
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('logs a failing command, an unreachable webhook and a hung command, and never throws', async () => {
    const warnings: string[] = [];
    await notifyOutcome(
      record,
      { command: 'exit 7', webhook: 'http://127.0.0.1:1/nothing-listens' },
      { env: process.env, cwd: '/', warn: (m) => warnings.push(m) },
    );
    assert.ok(
      warnings.some((w) => /notify command exited 7/.test(w)),
      warnings.join('\n'),
    );
    assert.ok(
      warnings.some((w) => /notify webhook failed/.test(w)),
      warnings.join('\n'),
    );
    const hung: string[] = [];
    await notifyOutcome(
      record,
      { command: 'sleep 30; true', webhook: null },
      { env: process.env, cwd: '/', warn: (m) => hung.push(m), timeoutMs: 200 },
    );
    assert.match(hung.join('\n'), /timed out after 200 ms and was killed/);
  });
});
