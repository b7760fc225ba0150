// Issue 19 item 8: small answers that were a lie or a trap, each through the built CLI as a user sees it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import { git, makeRepo, makeTempDir, testEnv, type TestRepo } from '../../support/helpers/repo.js';

describe('small truths (issue 19, item 8)', () => {
  const repos: TestRepo[] = [];
  const fresh = (opts: { withRemote?: boolean } = {}) => {
    const repo = makeRepo(opts);
    repos.push(repo);
    return repo;
  };
  const dw = (repo: TestRepo, args: string[]) => cli(args, { cwd: repo.dir, env: repo.env });
  const temps: string[] = [];
  after(() => {
    for (const r of repos) r.cleanup();
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });

  it('--cwd naming a missing folder is a usage error naming the path, not "git is not installed"', () => {
    const repo = fresh({ withRemote: false });
    const missing = join(repo.root, 'no-such-folder');
    const r = dw(repo, ['--cwd', missing, 'manage', 'status']);
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, /--cwd .*no-such-folder: no such folder/);
    assert.doesNotMatch(r.stderr, /git is not installed/);
    const file = join(repo.dir, 'initial.txt');
    const notDir = dw(repo, ['--cwd', file, 'doctor']);
    assert.equal(notDir.code, 64, notDir.stderr);
    assert.match(notDir.stderr, /initial\.txt is not a folder/);
  });

  it("push in a repository with no commit says there is nothing to push yet (exit 0, per the contract), not git's error", () => {
    const root = makeTempDir();
    temps.push(root);
    const env = testEnv(join(root, 'home'));
    mkdirSync(join(root, 'home'));
    const dir = join(root, 'empty');
    git(root, ['init', '-q', '-b', 'main', dir]);
    {
      const r = cli(['push'], { cwd: dir, env });
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stderr, /Nothing to push yet: this repository has no commit\. Make a first commit/);
      assert.doesNotMatch(r.stderr, /fatal|rev-parse/);
      const json = JSON.parse(cli(['push', '--json'], { cwd: dir, env }).stdout);
      assert.equal(json.outcome, 'up-to-date');
      assert.equal(json.exitCode, 0);
      assert.equal(cli(['push', '-q'], { cwd: dir, env }).stderr, '', 'quiet: nothing for a no-op');
    }
  });

  it('push on a branch with no upstream suggests pushing that branch under its own name, never to main', () => {
    const repo = fresh();
    repo.git('switch', '-q', '-c', 'feature/x');
    repo.commit('feature work');
    const r = dw(repo, ['push']);
    assert.equal(r.code, 13, r.stderr);
    assert.match(r.stderr, /deploy-watch push origin feature\/x/);
    assert.match(r.stderr, /git push -u origin feature\/x/);
    assert.doesNotMatch(r.stderr, /origin main|origin\/main/);
  });

  it('--limit without --all is a usage error naming --all; --limit 0 is refused', () => {
    const repo = fresh({ withRemote: false });
    const r = dw(repo, ['check', '--limit', '5']);
    assert.equal(r.code, 64, r.stderr);
    assert.match(r.stderr, /--limit .*give it with --all/);
    const zero = dw(repo, ['check', '--all', '--limit', '0']);
    assert.equal(zero.code, 64, zero.stderr);
    assert.match(zero.stderr, /--limit must be a whole number from 1 to 10000; got "0"/);
    assert.doesNotMatch(zero.stdout, /nothing|no commit/i);
    assert.equal(dw(repo, ['check', '--all', '--limit', '1.5']).code, 64);
    assert.equal(dw(repo, ['check', '--all', '--limit', '3']).code, 0);
  });

  it("every command's --help lists the global flags", () => {
    const repo = fresh({ withRemote: false });
    const commands = [
      ['check'],
      ['watch'],
      ['logs'],
      ['manage'],
      ['manage', 'status'],
      ['cleanup'],
      ['doctor'],
      ['init'],
      ['push'],
      ['merge-driver'],
      ['monitor'],
      ['serve'],
      ['hook', 'pre-push'],
    ];
    for (const command of commands) {
      const r = dw(repo, [...command, '--help']);
      assert.equal(r.code, 0, `${command.join(' ')}: ${r.stderr}`);
      for (const flag of ['--json', '--cwd <dir>', '--quiet', '--verbose'])
        assert.ok(r.stdout.includes(flag), `${command.join(' ')} --help lacks ${flag}:\n${r.stdout}`);
    }
  });

  it('init -q prints nothing (quiet means only errors) and still writes every file', () => {
    const repo = fresh({ withRemote: false });
    const r = dw(repo, ['init', '-q']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
    assert.ok(statSync(join(repo.dir, 'deploy-watch.config.json')).isFile());
    const loud = dw(repo, ['init']);
    assert.match(loud.stdout, /unchanged +\.husky\/pre-push/, 'without -q the lines are printed');
  });

  it('init writes .husky/pre-push executable (755), fixes a 644 one, keeps an executable one as it is', () => {
    const repo = fresh({ withRemote: false });
    assert.equal(dw(repo, ['init']).code, 0);
    const hook = join(repo.dir, '.husky', 'pre-push');
    assert.equal(statSync(hook).mode & 0o777, 0o755);
    chmodSync(hook, 0o644);
    assert.equal(dw(repo, ['init']).code, 0);
    assert.equal(statSync(hook).mode & 0o777, 0o755, 'a 644 hook is made executable, though its bytes are unchanged');
    chmodSync(hook, 0o700);
    assert.equal(dw(repo, ['init']).code, 0);
    assert.equal(statSync(hook).mode & 0o777, 0o700, "an executable hook keeps the user's mode");
    const doctor = dw(repo, ['doctor']);
    assert.doesNotMatch(doctor.stdout + doctor.stderr, /not executable/);
    const other = fresh({ withRemote: false });
    mkdirSync(join(other.dir, '.husky'));
    writeFileSync(join(other.dir, '.husky', 'pre-push'), 'npm test\n', { mode: 0o644 });
    assert.equal(dw(other, ['init']).code, 0);
    assert.equal(statSync(join(other.dir, '.husky', 'pre-push')).mode & 0o777, 0o755);
  });
});

describe('config errors (issue 19, item 8)', () => {
  let repo: TestRepo;
  const dw = (args: string[]) => cli(args, { cwd: repo.dir, env: repo.env });
  const config = (text: string) => writeFileSync(join(repo.dir, 'deploy-watch.config.json'), text);
  after(() => repo?.cleanup());

  it('doctor names every unknown key and every invalid value in one run', () => {
    repo = makeRepo({ withRemote: false });
    config(
      JSON.stringify(
        { branch: 'main', bogus: 1, polling: { fast: 2, slowInterval: -1 }, notify: { mail: 'x' } },
        null,
        2,
      ),
    );
    const r = dw(['doctor']);
    assert.equal(r.code, 1, r.stderr);
    const out = r.stdout + r.stderr;
    // slowInterval -1 breaks two rules: its own bound, and not below fastInterval (5 by default).
    assert.match(out, /has 5 problems/);
    for (const key of [
      '"bogus" is not a known key',
      '"polling.fast" is not a known key',
      '"notify.mail" is not a known key',
    ])
      assert.ok(out.includes(key), `doctor names ${key}:\n${out}`);
    assert.match(out, /"polling\.slowInterval" must be at least 0\.01 seconds/);
    const cleanup = dw(['cleanup']);
    assert.equal(cleanup.code, 78);
    for (const key of ['"bogus"', '"polling.fast"', '"notify.mail"', '"polling.slowInterval"'])
      assert.ok(cleanup.stderr.includes(key), `every command lists them all: ${key}`);
  });

  it('a JSON syntax error is given as file:line:column with the line and a caret under the spot', () => {
    repo ??= makeRepo({ withRemote: false });
    config('{\n  "branch": "main"\n  "remote": "origin"\n}\n');
    const r = dw(['cleanup']);
    assert.equal(r.code, 78, r.stderr);
    assert.match(
      r.stderr,
      /deploy-watch\.config\.json:3:3: this file is not valid JSON \(Expected ',' or '\}' after property value\)/,
    );
    assert.match(r.stderr, /\n {4}"remote": "origin"\n {4}\^/);
    assert.doesNotMatch(r.stderr, /position \d+/);
    config('{ "branch": "main"');
    assert.match(
      dw(['cleanup']).stderr,
      /deploy-watch\.config\.json:1:19: this file is not valid JSON/,
      'the end of the file',
    );
  });
});

describe("a conflict's hint (issue 19, item 8)", () => {
  let repo: TestRepo;
  after(() => repo?.cleanup());

  /** Another clone changes the same lines of `files` first; then ours conflict on push. */
  const conflictOn = (theirs: Record<string, string>, mine: Record<string, string>) => {
    repo?.cleanup();
    repo = makeRepo();
    repo.commit('base', Object.fromEntries(Object.keys(theirs).map((f) => [f, 'base\n'])));
    repo.git('push', '-q');
    const other = join(repo.root, 'other');
    repo.git('clone', '-q', repo.remote, other);
    for (const [name, text] of Object.entries(theirs)) {
      writeFileSync(join(other, name), text);
      repo.git('-C', other, 'add', name);
    }
    repo.git('-C', other, 'commit', '-q', '-m', 'theirs');
    repo.git('-C', other, 'push', '-q', 'origin', 'main');
    repo.commit('mine', mine);
    return cli(['push'], { cwd: repo.dir, env: repo.env });
  };

  it('a code conflict says to resolve it by hand and never suggests a merge rule for code', () => {
    const r = conflictOn({ 'src/app.ts': 'export const x = 2;\n' }, { 'src/app.ts': 'export const x = 3;\n' });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Conflicts that no merge rule covers, in: src\/app\.ts\./);
    assert.match(r.stderr, /git rebase --continue/);
    assert.match(r.stderr, /Code is resolved by hand/);
    assert.doesNotMatch(r.stderr, /add (their globs|it|them) to conflicts\.rules/);
  });

  it('with notes and code in conflict, a rule is suggested for the notes only', () => {
    const r = conflictOn(
      { 'NOTES.md': '- theirs\n', 'lib/db.py': 'x = 2\n' },
      { 'NOTES.md': '- mine\n', 'lib/db.py': 'x = 3\n' },
    );
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\(If NOTES\.md is a list or log where each line stands alone, add it to conflicts\.rules/);
    assert.doesNotMatch(r.stderr, /If [^\n]*db\.py[^\n]*conflicts\.rules/);
    assert.match(r.stderr, /Code is resolved by hand/);
  });
});

describe('init and the deploy-watch dependency (issue 19, item 8)', () => {
  const temps: string[] = [];
  after(() => {
    for (const t of temps) rmSync(t, { recursive: true, force: true });
  });
  const PACKAGE = fileURLToPath(new URL('../../../', import.meta.url));

  /** A copy of this package installed the way npm/npx leave it: <owner>/node_modules/deploy-watch, the spec in <owner>/package.json. */
  const installedCopy = (spec: string): string => {
    const owner = makeTempDir('dw-owner-');
    temps.push(owner);
    const root = join(owner, 'node_modules', 'deploy-watch');
    mkdirSync(join(root, 'build'), { recursive: true });
    for (const part of ['package.json', 'bin', 'build/cli'])
      cpSync(join(PACKAGE, part), join(root, part), { recursive: true });
    symlinkSync(join(PACKAGE, 'node_modules'), join(root, 'node_modules')); // its own dependencies
    writeFileSync(join(owner, 'package.json'), JSON.stringify({ dependencies: { 'deploy-watch': spec } }));
    return join(root, 'bin', 'deploy-watch.js');
  };

  it('init without a package.json lists deploy-watch with the spec it was installed from', () => {
    const repo = makeRepo({ withRemote: false });
    temps.push(repo.root);
    const tarball = join(repo.root, 'deploy-watch-0.1.0.tgz');
    const bin = installedCopy(`file:${tarball}`);
    const r = spawnSync(process.execPath, [bin, 'init'], { cwd: repo.dir, env: repo.env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const pkg = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8'));
    assert.equal(pkg.devDependencies['deploy-watch'], 'file:../deploy-watch-0.1.0.tgz', 'relative to the project');
    assert.match(r.stdout, /devDependencies\.deploy-watch file:\.\.\/deploy-watch-0\.1\.0\.tgz/);
    assert.doesNotMatch(r.stdout, /does not list deploy-watch/);
    // An existing package.json gains it too; one that lists it already is left as it is.
    const gitInstalled = installedCopy('git+https://example.test/o/deploy-watch.git');
    writeFileSync(
      join(repo.dir, 'package.json'),
      '{\n  "name": "app",\n  "devDependencies": { "husky": "^9.1.7" }\n}\n',
    );
    spawnSync(process.execPath, [gitInstalled, 'init'], { cwd: repo.dir, env: repo.env });
    const again = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8'));
    assert.equal(again.devDependencies['deploy-watch'], 'git+https://example.test/o/deploy-watch.git');
    spawnSync(process.execPath, [bin, 'init'], { cwd: repo.dir, env: repo.env });
    assert.equal(
      JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8')).devDependencies['deploy-watch'],
      'git+https://example.test/o/deploy-watch.git',
      'a listed spec is never replaced',
    );
  });

  it('run from a clone (no spec to tell), init says at its end what to install; the hook names the fix', () => {
    const repo = makeRepo({ withRemote: false });
    temps.push(repo.root);
    const r = cli(['init'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /package\.json does not list deploy-watch.*npm install --save-dev <its git URL or tarball>/s,
    );
    assert.equal(
      JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8')).devDependencies['deploy-watch'],
      undefined,
    );
    assert.match(readFileSync(join(repo.dir, '.husky', 'pre-push'), 'utf8'), /not found; .*Fix: npm install/);
  });
});
