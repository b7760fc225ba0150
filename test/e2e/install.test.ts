// The README's install commands, as a new user runs them: from a git URL (npm clones it, installs its dev
// dependencies and runs `prepare`, which builds) and from the `npm pack` tarball, into fresh projects;
// then `npx deploy-watch init`, `npm install`, a hooked push to main and `check --wait` there.
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { git, makeTempDir, testEnv } from '../../support/helpers/repo.js';
import { killUnder } from '../../support/helpers/processes.js';
import { startHealth, type HealthServer } from '../../support/worlds/hookedSuite.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TIMEOUT = 240_000;

function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: TIMEOUT });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

/** Resolves with the exit code and output, without blocking the health server this process serves. */
function runAsync(
  cmd: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.on('close', (code) => resolve({ code, out }));
  });
}

describe('install from where deploy-watch lives', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  let health: HealthServer;
  before(async () => {
    dir = makeTempDir('dw-install-');
    health = await startHealth();
    // A fresh home (no user npm or git config), but the machine's npm cache: CI reaches only the registry.
    env = testEnv(join(dir, 'home'), {
      npm_config_cache: process.env.npm_config_cache || join(homedir(), '.npm'),
      npm_config_update_notifier: 'false',
      npm_config_fund: 'false',
      npm_config_audit: 'false',
      npm_config_prefer_offline: 'true',
    });
  });
  after(async () => {
    killUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    await health.close();
  });

  /** A fresh project that installs `spec` the README's way, sets it up and pushes main through the hook. */
  async function useIn(name: string, spec: string, approve: string | null): Promise<void> {
    const project = join(dir, name);
    const remote = join(dir, `${name}-remote.git`);
    git(dir, ['init', '-q', '--bare', '-b', 'main', remote]);
    git(dir, ['init', '-q', '-b', 'main', project]);
    for (const [k, v] of [
      ['user.name', 'T'],
      ['user.email', 't@t.test'],
      ['remote.origin.url', remote],
      ['remote.origin.fetch', '+refs/heads/*:refs/remotes/origin/*'],
    ])
      git(project, ['config', k!, v!]);
    writeFileSync(
      join(project, 'package.json'),
      `${JSON.stringify({ name, version: '1.0.0', private: true }, null, 2)}\n`,
    );
    writeFileSync(join(project, '.gitignore'), 'node_modules/\n');
    if (approve)
      assert.equal(run('npm', ['pkg', 'set', '--json', `allowScripts[${approve}]=true`], project, env).code, 0);

    const install = run('npm', ['install', '--save-dev', spec], project, env);
    assert.equal(install.code, 0, install.out);
    assert.doesNotMatch(install.out, /not yet covered by allowScripts/, 'nothing left to approve');
    const pkgDir = join(project, 'node_modules', 'deploy-watch');
    for (const f of [
      'build/cli/main.js',
      'build/cli/hook.cjs',
      'build/cli/check.cjs',
      'build/cli/watcher.cjs',
      'bin/package.json',
      'build/src/index.js',
      'config.schema.json',
    ])
      assert.ok(existsSync(join(pkgDir, f)), `${f} installed`);
    assert.ok(!readdirSync(pkgDir).includes('src'), 'no TypeScript sources');

    const init = run('npx', ['deploy-watch', 'init'], project, env);
    assert.equal(init.code, 0, init.out);
    const config = JSON.parse(readFileSync(join(project, 'deploy-watch.config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    assert.ok(existsSync(join(project, config.$schema as string)), '$schema resolves in the project');
    writeFileSync(
      join(project, 'deploy-watch.config.json'),
      `${JSON.stringify({ ...config, health: { url: health.urlFor({ remote }) } }, null, 2)}\n`,
    );
    const activate = run('npm', ['install'], project, env); // init added husky; its prepare points git at .husky/_
    assert.equal(activate.code, 0, activate.out);
    assert.equal(git(project, ['config', 'core.hooksPath']), '.husky/_');

    git(project, ['add', '-A']);
    git(project, ['commit', '-q', '-m', 'install deploy-watch']);
    const sha = git(project, ['rev-parse', 'HEAD']);
    const push = run('git', ['push', 'origin', 'main'], project, env);
    assert.equal(push.code, 0, push.out);
    assert.match(push.out, new RegExp(`will watch the deployment of ${sha.slice(0, 7)}`));
    const check = await runAsync('npx', ['deploy-watch', 'check', '--wait', '60', '--json'], project, env);
    assert.equal(check.code, 0, check.out);
    const answer = JSON.parse(check.out.slice(check.out.indexOf('{'))) as { sha: string; outcome: string };
    assert.deepEqual([answer.sha, answer.outcome], [sha, 'success']);
  }

  it('from a git URL of a clone (npm builds it in prepare)', { timeout: TIMEOUT }, async () => {
    const clone = join(dir, 'deploy-watch-clone');
    git(dir, ['clone', '-q', ROOT, clone]); // the checkout's HEAD: commit first to test a change
    const url = `git+file://${clone}`;
    await useIn('from-git', url, url);
  });

  it('from the npm pack tarball', { timeout: TIMEOUT }, async () => {
    // With its scripts: prepack leaves `prepare` out of the packed package.json (nothing to approve).
    // A code cache like the ones every `check` run here leaves beside its bundle, to show it is not packed.
    const cache = join(ROOT, 'build', 'cli', 'check.cjs.1-1.v8cache');
    writeFileSync(cache, 'cache');
    let packed: string;
    try {
      packed = execFileSync('npm', ['pack', '--json', '--pack-destination', dir], {
        cwd: ROOT,
        encoding: 'utf8',
        env,
        stdio: ['ignore', 'pipe', 'ignore'],
      });
    } finally {
      rmSync(cache, { force: true });
    }
    const { filename, files } = (JSON.parse(packed) as Array<{ filename: string; files: Array<{ path: string }> }>)[0]!;
    const paths = files.map((f) => f.path);
    assert.ok(paths.includes('bin/deploy-watch.js') && paths.includes('config.schema.json'));
    // The code cache of whoever packed is for their Node and flags: never shipped (bin/codeCache.js).
    assert.ok(!paths.some((p) => p.endsWith('.v8cache')), 'no code cache packed');
    assert.ok(
      !paths.some(
        (p) => p.startsWith('build/test/') || p.startsWith('src/') || (p.endsWith('.ts') && !p.endsWith('.d.ts')),
      ),
      'no tests or TypeScript sources',
    );
    const manifest = execFileSync('tar', ['-xOzf', join(dir, filename), 'package/package.json'], { encoding: 'utf8' });
    assert.equal((JSON.parse(manifest) as { scripts: Record<string, string> }).scripts.prepare, undefined);
    await useIn('from-tarball', join(dir, filename), null);
  });
});
