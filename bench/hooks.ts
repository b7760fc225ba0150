// What the hooks add to a push: a hooked `git push` (husky runner → .husky/pre-push) against the same
// push with --no-verify, and the difference as a ratio to a bare `node -e 0`. A deploy-branch push with
// a current cache never starts Node (goal: ≤ 0.3×); the Node path (other branches, a stale cache, here
// forced with DEPLOY_WATCH_BRANCH) is shown beside it. The hook script is also timed alone, under a
// stand-in `git` (sh by that name, so the script's /proc walk finds it), against an empty script: without
// the push's own work around it, that row stays readable on a busy machine. Medians of interleaved runs.
import { spawnSync } from 'node:child_process';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { CACHE_FILE } from '../src/hooks/hookCache.js';
import { killUnder, makeHookedRepo, processesUnder, setConfig, startHealth } from '../support/worlds/hookedRepo.js';
import { compare, fmt, timeCommand } from './timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GOAL = 0.3;

/** The watcher (and any monitor) of the previous push must not share the CPU with the next measurement. */
function quiet(root: string): void {
  const end = Date.now() + 1_000;
  while (processesUnder(root).length > 0 && Date.now() < end) timeCommand('sleep', ['0.02']);
  killUnder(root);
}

const repo = makeHookedRepo();
// Team mode with a database that accepts connections and never answers (a hung server, a black hole):
// the worst case for a push, which must not wait for it.
const hungStore = await blackHole();
// A configured source, as in a real repository: without one the hook says so on every push instead of
// arming a watcher, and never hands the push to the shell path.
const health = await startHealth();
setConfig(repo, { health: { url: health.urlFor(repo) } });
repo.git('commit', '-q', '-am', 'bench: a health source');
try {
  let n = 0;
  const pushNew = (args: string[], env: NodeJS.ProcessEnv = {}, branch = 'main') => {
    repo.git('checkout', '-q', branch);
    repo.commit(`bench ${n++}`, { [`bench-${n}.txt`]: `${n}\n` });
    quiet(repo.root);
    return timeCommand('git', ['push', '-q', ...args, 'origin', branch], {
      cwd: repo.dir,
      env: { ...repo.env, ...env },
    });
  };
  repo.git('branch', 'feat/bench');
  pushNew([]); // the first hooked push writes the shell's cache
  if (!existsSync(join(repo.dir, '.git', CACHE_FILE)))
    throw new Error('the first push wrote no cache: the shell path would not be measured');
  const input = `refs/heads/main ${'a'.repeat(40)} refs/heads/main ${'b'.repeat(40)}\n`;
  mkdirSync(join(repo.root, 'bin'));
  symlinkSync('/bin/sh', join(repo.root, 'bin', 'git'));
  writeFileSync(join(repo.root, 'empty.sh'), '');
  const pushed = `refs/heads/main ${repo.git('rev-parse', 'main')} refs/heads/main ${repo.git('rev-parse', 'main~')}\n`;
  writeFileSync(join(repo.root, 'ref-line'), pushed);
  const standIn = join(repo.root, 'bin', 'git');
  const standInArgs = (script: string) => [
    '-c',
    `sh -e ${script} origin "$1" < "$2"; :`,
    'git',
    repo.remote,
    join(repo.root, 'ref-line'),
  ];
  const standInEnv = { ...repo.env, PATH: `node_modules/.bin:${process.env.PATH}` };
  const underGit = (script: string) => {
    quiet(repo.root);
    return timeCommand(standIn, standInArgs(script), { cwd: repo.dir, env: standInEnv });
  };
  const probe = spawnSync(standIn, standInArgs('.husky/pre-push'), {
    cwd: repo.dir,
    env: standInEnv,
    encoding: 'utf8',
  });
  if (!/will watch the deployment/.test(probe.stderr))
    throw new Error(`the stand-in push did not arm a watcher: ${probe.stderr}`);
  const medians = compare(
    {
      'node -e 0': () => timeCommand(process.execPath, ['-e', '0']),
      'git push (hooked, shell only)': () => pushNew([]),
      'git push (hooked, Node path)': () => pushNew([], { DEPLOY_WATCH_BRANCH: 'main' }),
      'git push (hooked, Node path, team store hung)': () =>
        pushNew([], { DEPLOY_WATCH_BRANCH: 'main', DEPLOY_WATCH_STORE_URL: hungStore.url }),
      'git push --no-verify': () => pushNew(['--no-verify']),
      'git push feat/bench (hooked)': () => pushNew([], {}, 'feat/bench'),
      'git push feat/bench --no-verify': () => pushNew(['--no-verify'], {}, 'feat/bench'),
      'git push (husky runner only: DEPLOY_WATCH=0)': () => pushNew([], { DEPLOY_WATCH: '0' }),
      'hook script alone under a stand-in git (shell path)': () => underGit('.husky/pre-push'),
      'empty script under a stand-in git': () => underGit(join(repo.root, 'empty.sh')),
      'deploy-watch hook pre-push (alone, DEPLOY_WATCH=0)': () =>
        timeCommand(
          process.execPath,
          [join(repo.dir, 'node_modules/.bin/deploy-watch'), 'hook', 'pre-push', 'origin', repo.remote],
          { cwd: repo.dir, env: { ...repo.env, DEPLOY_WATCH: '0' }, input },
        ),
    },
    ROUNDS,
  );
  quiet(repo.root);
  const node = medians['node -e 0']!;
  for (const [name, ms] of Object.entries(medians)) console.log(`${name.padEnd(52)} ${fmt(ms)}`);
  const added = (hooked: string, bare: string) => {
    const ms = medians[hooked]! - medians[bare]!;
    return { ms, ratio: ms / node };
  };
  const shell = added('git push (hooked, shell only)', 'git push --no-verify');
  console.log(
    `deploy-branch push, shell only: added ${fmt(shell.ms)} = ${shell.ratio.toFixed(2)}× node -e 0 (goal ≤ ${GOAL}×) ${shell.ratio <= GOAL ? 'OK' : 'OVER GOAL'}`,
  );
  const own = added('git push (hooked, shell only)', 'git push (husky runner only: DEPLOY_WATCH=0)');
  console.log(
    `  of which deploy-watch's script, over husky's runner alone: ${fmt(own.ms)} = ${own.ratio.toFixed(2)}× node -e 0`,
  );
  const alone = added('hook script alone under a stand-in git (shell path)', 'empty script under a stand-in git');
  console.log(
    `  deploy-watch's script alone, over an empty script: ${fmt(alone.ms)} = ${alone.ratio.toFixed(3)}× node -e 0`,
  );
  const viaNode = added('git push (hooked, Node path)', 'git push --no-verify');
  console.log(`deploy-branch push, Node path: added ${fmt(viaNode.ms)} = ${viaNode.ratio.toFixed(2)}× node -e 0`);
  const hung = added('git push (hooked, Node path, team store hung)', 'git push --no-verify');
  console.log(
    `deploy-branch push, Node path, team store accepting but never answering: added ${fmt(hung.ms)} = ${hung.ratio.toFixed(2)}× node -e 0`,
  );
  const other = added('git push feat/bench (hooked)', 'git push feat/bench --no-verify');
  console.log(
    `other-branch push (shell when the cache can answer, else Node; goal ≤ 1.2×): added ${fmt(other.ms)} = ${other.ratio.toFixed(2)}× node -e 0`,
  );
  console.log(
    `(${ROUNDS} rounds each, interleaved, medians; load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs)`,
  );
} finally {
  killUnder(repo.root);
  repo.cleanup();
  await health.close();
  hungStore.close();
}

async function blackHole(): Promise<{ url: string; close(): void }> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => void sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `postgresql://deploy_watch:secret@127.0.0.1:${port}/team`,
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
