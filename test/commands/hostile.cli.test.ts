// Hostile and broken input: every case gets a clear message and the right exit code, and nothing is lost.
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { run } from '../../src/main.js';
import type { FileStatusStore } from '../../src/store/files/fileStatusStore.js';
import { cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { storeFor } from '../../support/helpers/state.js';

describe('hostile input', () => {
  let repo: TestRepo;
  let store: FileStatusStore;
  const dw = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    cli(args, { cwd: repo.dir, env: { ...repo.env, ...env } });

  before(() => {
    repo = makeRepo();
    store = storeFor(join(repo.dir, '.git'));
  });
  after(() => repo.cleanup());

  for (const bad of ['../x', '; rm -rf /', '$(touch pwned)', '-rf', 'HEAD..main', 'a b', '\u0001x', '.hidden']) {
    it(`check ${JSON.stringify(bad)} exits 64 with a clear message`, () => {
      const r = dw(['check', '--', bad]);
      assert.equal(r.code, 64, r.stderr);
      assert.match(r.stderr, /is not a commit name\. Give a sha or a unique prefix/);
      assert.ok(!existsSync(join(repo.dir, 'pwned')));
    });
  }

  it('a 2 MB argument is refused with 64 (in process) and a 100 KB one through the binary', async () => {
    const big = 'a'.repeat(2 * 1024 * 1024);
    const out: string[] = [];
    const io = {
      stdout: { write: (s: string) => void out.push(s), isTTY: false },
      stderr: { write: (s: string) => void out.push(s), isTTY: false },
      env: repo.env,
      cwd: repo.dir,
    };
    assert.equal(await run(['check', big], io), 64);
    assert.match(out.join(''), /The commit argument is 2097152 characters long/);
    assert.ok(out.join('').length < 1000, 'the message does not echo the argument');
    // Linux refuses single exec arguments over 128 KiB (MAX_ARG_STRLEN), so the binary is tested at 100 KB.
    const r = dw(['check', 'b'.repeat(100_000)]);
    assert.equal(r.code, 64);
    assert.ok(r.stderr.length < 1000);
  });

  it('an unknown flag, a missing argument and a bad number exit 64', () => {
    assert.equal(dw(['check', '--frobnicate']).code, 64);
    assert.equal(dw(['nonsense']).code, 64);
    const wait = dw(['check', '--wait', 'soon']);
    assert.equal(wait.code, 64);
    assert.match(wait.stderr, /--wait must be a number from 0 to 86400; got "soon"/);
  });

  it('a status file of garbage is reported by name, exit 3, and left in place', async () => {
    const sha = repo.commit('garbage');
    store.ensure();
    const garbage = Buffer.from([0xff, 0xfe, 0x00, 0x7b, 0x22, 0x0a]);
    writeFileSync(store.paths(sha).record, garbage);
    const r = dw(['check', sha]);
    assert.equal(r.code, 3);
    assert.ok(r.stdout.includes(store.paths(sha).record), 'names the file');
    assert.match(r.stdout, /unreadable \(not valid JSON\); it was left as it is/);
    assert.deepEqual(readFileSync(store.paths(sha).record), garbage, 'never deleted silently');
    // A foreign record (another commit's, or another schema version) is reported too.
    writeFileSync(store.paths(sha).record, JSON.stringify({ version: 99, sha }));
    assert.match(dw(['check', sha]).stdout, /schema version 99 is not 1/);
    const json = JSON.parse(dw(['check', sha, '--json']).stdout);
    assert.equal(json.unknown, 'corrupt');
    // A record that is a symlink is never followed.
    const other = repo.commit('symlinked');
    symlinkSync(store.paths(sha).record, store.paths(other).record);
    assert.match(dw(['check', other]).stdout, /is a symlink, which is never followed/);
    // manage status and cleanup do not crash on it either.
    assert.equal(dw(['manage', 'status']).code, 0);
  });

  it('an unusable state folder exits 70 naming the folder and the fix', () => {
    const file = join(repo.root, 'not-a-folder');
    writeFileSync(file, 'x');
    const r = dw(['check'], { DEPLOY_WATCH_STATE_DIR: file });
    assert.equal(r.code, 70, r.stdout + r.stderr);
    assert.match(r.stderr, /The state folder .*not-a-folder cannot be used \(ENOTDIR/);
    assert.match(r.stderr, /DEPLOY_WATCH_STATE_DIR/);
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace without --verbose');
    if (process.getuid?.() !== 0) {
      const locked = join(repo.root, 'locked-state');
      mkdirSync(join(locked, 'runs'), { recursive: true });
      chmodSync(locked, 0o000);
      try {
        const r2 = dw(['check'], { DEPLOY_WATCH_STATE_DIR: locked });
        assert.equal(r2.code, 70);
        assert.match(r2.stderr, /EACCES/);
      } finally {
        chmodSync(locked, 0o755);
      }
    }
  });

  it('an invalid config file exits 78 naming the file, the key and what is allowed', () => {
    const cfg = join(repo.dir, 'deploy-watch.config.json');
    const cases: Array<[unknown, RegExp]> = [
      ['{not json', /is not valid JSON/],
      [{ polling: { fastInterval: -5 } }, /"polling\.fastInterval" must be at least 0\.01 seconds/],
      [
        { polling: { fast: 5 } },
        /"polling\.fast" is not a known key\. Allowed here: fastInterval, fastFor, slowInterval, timeout, linger/,
      ],
      [{ conflicts: { rules: [{ paths: ['x'], strategy: 'theirs' }] } }, /Allowed here: union, checklist/],
      [{ digitalocean: { appId: 'x', token: 'dop_v1_abc' } }, /secret-looking key "digitalocean\.token"/],
      [{ branchPattern: '([' }, /"branchPattern" is not a valid regular expression/],
      [[1, 2], /must hold a JSON object/],
    ];
    try {
      for (const [content, expected] of cases) {
        writeFileSync(cfg, typeof content === 'string' ? content : JSON.stringify(content));
        const r = dw(['cleanup']);
        assert.equal(r.code, 78, `${JSON.stringify(content)}: ${r.stderr}`);
        assert.match(r.stderr, expected);
        assert.ok(r.stderr.includes('deploy-watch.config.json'));
        assert.doesNotMatch(r.stderr, /dop_v1_abc/, 'a secret is never printed');
      }
    } finally {
      writeFileSync(cfg, '{}');
    }
  });
});
