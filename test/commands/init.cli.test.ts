// `deploy-watch init` in real repositories: idempotent, keeps the user's lines, --dry-run writes nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { cli } from '../../support/helpers/cli.js';
import { makeRepo, type TestRepo } from '../../support/helpers/repo.js';
import { installNodeModules } from '../../support/worlds/hookedSuite.js';

function snapshot(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const rel of [
    'package.json',
    '.husky/pre-push',
    '.husky/post-checkout',
    'deploy-watch.config.json',
    '.git/config',
    '.gitattributes',
  ]) {
    if (existsSync(join(dir, rel))) files[rel] = readFileSync(join(dir, rel), 'utf8');
  }
  if (existsSync(join(dir, '.husky/_')))
    for (const f of readdirSync(join(dir, '.husky/_')))
      files[`.husky/_/${f}`] = readFileSync(join(dir, '.husky/_', f), 'utf8');
  return files;
}

describe('init', () => {
  const repos: TestRepo[] = [];
  const fresh = () => {
    const repo = makeRepo();
    repos.push(repo);
    return repo;
  };
  const init = (repo: TestRepo, ...args: string[]) => cli(['init', ...args], { cwd: repo.dir, env: repo.env });
  after(() => repos.forEach((r) => r.cleanup()));

  it('sets up husky, the hook and the config; a second run changes no byte', () => {
    const repo = fresh();
    installNodeModules(repo.dir);
    const first = init(repo);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(repo.git('config', 'core.hooksPath'), '.husky/_');
    const pkg = JSON.parse(readFileSync(join(repo.dir, 'package.json'), 'utf8')) as {
      scripts: { prepare: string };
      devDependencies: { husky: string };
    };
    assert.equal(pkg.scripts.prepare, 'husky');
    assert.match(pkg.devDependencies.husky, /^\^9\./);
    assert.match(readFileSync(join(repo.dir, '.husky/pre-push'), 'utf8'), /deploy-watch hook pre-push "\$@"/);
    const attrs = readFileSync(join(repo.dir, '.gitattributes'), 'utf8');
    assert.match(attrs, /^ROADMAP\.md merge=deploy-watch-checklist$/m);
    assert.match(attrs, /^CHANGELOG\.md merge=deploy-watch-union$/m);
    assert.match(repo.git('config', 'merge.deploy-watch-union.driver'), / merge-driver union %O %A %B %P/);
    const before = snapshot(repo.dir);
    const second = init(repo);
    assert.equal(second.code, 0, second.stderr);
    assert.deepEqual(snapshot(repo.dir), before);
    assert.equal(second.stdout.split('\n').filter((l) => /^(created|updated)/.test(l)).length, 0, second.stdout);
    assert.match(second.stdout, /^unchanged +\.husky\/pre-push/m);
  });

  it('keeps the lines of an existing hook and adds one marked block, once', () => {
    const repo = fresh();
    mkdirSync(join(repo.dir, '.husky'));
    writeFileSync(join(repo.dir, '.husky/pre-push'), 'npm test\n');
    assert.equal(init(repo).code, 0);
    const hook = readFileSync(join(repo.dir, '.husky/pre-push'), 'utf8');
    assert.ok(hook.startsWith('npm test\n\n# >>> deploy-watch >>>'), hook);
    assert.ok(hook.endsWith('# <<< deploy-watch <<<\n'));
    assert.equal(init(repo).code, 0);
    assert.equal(readFileSync(join(repo.dir, '.husky/pre-push'), 'utf8'), hook);
  });

  it('edits package.json in its own style: tabs, key order, an existing prepare script kept', () => {
    const repo = fresh();
    const original =
      '{\n\t"name": "app",\n\t"scripts": {\n\t\t"prepare": "tsc",\n\t\t"test": "node --test"\n\t},\n\t"version": "1.0.0"\n}\n';
    writeFileSync(join(repo.dir, 'package.json'), original);
    assert.equal(init(repo).code, 0);
    const text = readFileSync(join(repo.dir, 'package.json'), 'utf8');
    assert.equal(
      text,
      '{\n\t"name": "app",\n\t"scripts": {\n\t\t"prepare": "tsc && husky",\n\t\t"test": "node --test"\n\t},\n\t"version": "1.0.0",\n\t"devDependencies": {\n\t\t"husky": "^9.1.7"\n\t}\n}\n',
    );
  });

  it('--dry-run shows what it would write and writes nothing', () => {
    const repo = fresh();
    installNodeModules(repo.dir);
    const before = snapshot(repo.dir);
    const r = init(repo, '--dry-run');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^would create +\.husky\/pre-push/m);
    assert.match(r.stdout, /^ {4}# >>> deploy-watch >>>/m);
    assert.match(r.stdout, /^would create +deploy-watch\.config\.json/m);
    assert.deepEqual(snapshot(repo.dir), before);
    assert.equal(
      spawnSync('git', ['config', 'core.hooksPath'], { cwd: repo.dir, env: repo.env }).status,
      1,
      'core.hooksPath left unset',
    );
  });

  it('keeps the lines of an existing .gitattributes', () => {
    const repo = fresh();
    writeFileSync(join(repo.dir, '.gitattributes'), '*.png binary\n');
    assert.equal(init(repo).code, 0);
    const attrs = readFileSync(join(repo.dir, '.gitattributes'), 'utf8');
    assert.ok(attrs.startsWith('*.png binary\n\n# >>> deploy-watch >>>'), attrs);
  });

  it('stops on an invalid existing config, naming the key, and writes nothing', () => {
    const repo = fresh();
    writeFileSync(join(repo.dir, 'deploy-watch.config.json'), '{"branchh": "main"}\n');
    const r = init(repo);
    assert.equal(r.code, 78, r.stderr);
    assert.match(r.stderr, /branchh/);
    assert.equal(existsSync(join(repo.dir, '.husky')), false);
  });

  it('the config template is valid for every command (strict schema)', () => {
    const repo = fresh();
    assert.equal(init(repo).code, 0);
    const r = cli(['check', '--json'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 3, r.stderr); // no record: exit 3, not 78 (config error)
  });

  it('--json reports each file and the husky state', () => {
    const repo = fresh();
    const r = cli(['--json', 'init'], { cwd: repo.dir, env: repo.env });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { dryRun: boolean; files: { path: string; action: string }[]; husky: string };
    assert.equal(out.dryRun, false);
    assert.deepEqual(
      out.files.map((f) => [f.path, f.action]),
      [
        ['package.json', 'create'],
        ['.husky/pre-push', 'create'],
        ['.husky/post-checkout', 'create'],
        ['deploy-watch.config.json', 'create'],
        ['.gitattributes', 'create'],
      ],
    );
    assert.equal(out.husky, 'not-installed');
  });
});
