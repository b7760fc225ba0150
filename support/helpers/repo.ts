// One helper makes every real repository the tests use: temp folder, `git init -b main`,
// an identity (CI has none), gc off, and cleanup in `after`.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, realpathSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export const GIT_ENV: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.test',
  GIT_COMMITTER_NAME: 'Test Committer',
  GIT_COMMITTER_EMAIL: 'committer@example.test',
  GIT_CONFIG_NOSYSTEM: '1',
  LC_ALL: 'C',
};

/** The environment for child processes in tests: no user config, no colour forcing, no inherited state dir. */
export function testEnv(home: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    ...GIT_ENV,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    ...extra,
  };
  for (const key of [
    'DEPLOY_WATCH_STATE_DIR',
    'DIGITALOCEAN_ACCESS_TOKEN',
    'DIGITALOCEAN_TOKEN',
    'DATABASE_URL',
    'DEPLOY_WATCH_DO_API_URL',
    'FORCE_COLOR',
    'GIT_DIR',
    'GIT_WORK_TREE',
    'GIT_INDEX_FILE',
  ]) {
    if (!(key in extra)) delete env[key];
  }
  return env;
}

export function makeTempDir(prefix = 'dw-test-'): string {
  return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

export function git(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...GIT_ENV, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

export interface TestRepo {
  root: string;
  /** The work tree of the clone. */
  dir: string;
  /** The bare remote, registered as origin. */
  remote: string;
  home: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  commit(message: string, files?: Record<string, string>): string;
  cleanup(): void;
}

/** A repo with one commit on main, pushed to a bare `origin`. */
export function makeRepo(opts: { withRemote?: boolean } = {}): TestRepo {
  const root = makeTempDir();
  const dir = join(root, 'work');
  const remote = join(root, 'remote.git');
  const home = join(root, 'home');
  mkdirSync(home);
  const env = testEnv(home);
  const run = (cwd: string, args: string[]) => git(cwd, args, env);
  run(root, ['init', '-q', '-b', 'main', dir]);
  run(dir, ['config', 'user.name', 'Test Author']);
  run(dir, ['config', 'user.email', 'author@example.test']);
  run(dir, ['config', 'gc.auto', '0']);
  run(dir, ['config', 'commit.gpgsign', 'false']);
  const repo: TestRepo = {
    root,
    dir,
    remote,
    home,
    env,
    git: (...args) => run(dir, args),
    commit(message, files = { [`${message.replace(/\W+/g, '-')}.txt`]: `${message}\n` }) {
      for (const [name, content] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), content);
        run(dir, ['add', '--', name]);
      }
      run(dir, ['commit', '-q', '-m', message]);
      return run(dir, ['rev-parse', 'HEAD']);
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
  repo.commit('initial');
  if (opts.withRemote !== false) {
    run(root, ['init', '-q', '--bare', '-b', 'main', remote]);
    run(dir, ['remote', 'add', 'origin', remote]);
    run(dir, ['push', '-q', '-u', 'origin', 'main']);
  }
  return repo;
}
