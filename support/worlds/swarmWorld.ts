// The swarm world shared by the swarm tests and bench/swarm.ts: one bare remote, N clones, and K
// commits per clone, each touching the shared roadmap checklist (ticks its previous item, adds a new
// one), the shared changelog, a session file of its own and an ordinary file of its own. The remote's
// hooks log every proposed update (fast-forward or not) and every accepted one.
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cliAsync } from '../helpers/cli.js';
import { git, testEnv } from '../helpers/repo.js';

const exec = promisify(execFile);
const ZERO = '0'.repeat(40);

export interface SwarmWorld {
  root: string;
  remote: string;
  env: NodeJS.ProcessEnv;
  agents: number;
  commits: number;
  /** One work tree per agent, or a single one that makes every agent's commits (the serial bound). */
  clones: string[];
  /** Per agent, the environment its pushes run in (machines of a team: own cache folder, shared store). */
  envs?: NodeJS.ProcessEnv[];
}

export interface PushRun {
  agent: number;
  commit: number;
  code: number | null;
  /** git push calls this invocation made (one per attempt that reached the push). */
  pushes: number;
  stderr: string;
}

/** `config`: the deploy-watch.config.json to commit (null: none, the defaults). */
export function makeSwarm(
  root: string,
  agents: number,
  commits: number,
  clones: number,
  config: object | null = null,
): SwarmWorld {
  const home = join(root, 'home');
  mkdirSync(home, { recursive: true });
  const env = testEnv(home);
  const remote = join(root, 'remote.git');
  const seed = join(root, 'seed');
  git(root, ['init', '-q', '--bare', '-b', 'main', remote], env);
  git(root, ['init', '-q', '-b', 'main', seed], env);
  writeFileSync(
    join(seed, 'ROADMAP.md'),
    ['# Roadmap', '', ...Array.from({ length: agents }, (_, c) => `- [ ] base task c${c}`), ''].join('\n'),
  );
  writeFileSync(join(seed, 'CHANGELOG.md'), '# Changelog\n\n## Unreleased\n\n## 0.1.0\n- first release\n');
  if (config) writeFileSync(join(seed, 'deploy-watch.config.json'), JSON.stringify(config));
  git(seed, ['add', '.'], env);
  git(seed, ['commit', '-q', '-m', 'seed'], env);
  git(seed, ['push', '-q', remote, 'main'], env);
  installLogHooks(remote, root);
  const dirs = Array.from({ length: clones }, (_, c) => {
    const dir = join(root, `c${c}`);
    git(root, ['clone', '-q', remote, dir], env);
    git(dir, ['config', 'gc.auto', '0'], env);
    return dir;
  });
  return { root, remote, env, agents, commits, clones: dirs };
}

/** Agent `c`'s k-th commit (1-based) in work tree `dir`. */
export async function commitStep(world: SwarmWorld, dir: string, c: number, k: number): Promise<void> {
  const file = (name: string) => join(dir, name);
  const tickTarget = k === 1 ? `- [ ] base task c${c}` : `- [ ] c${c} item ${k - 1}`;
  const lines = readFileSync(file('ROADMAP.md'), 'utf8').split('\n');
  const at = lines.indexOf(tickTarget);
  if (at < 0) throw new Error(`c${c} k${k}: ${tickTarget} is missing from its roadmap:\n${lines.join('\n')}`);
  lines[at] = tickTarget.replace('[ ]', '[x]');
  lines.splice(lines.length - 1, 0, `- [ ] c${c} item ${k}`);
  writeFileSync(file('ROADMAP.md'), lines.join('\n'));
  writeFileSync(
    file('CHANGELOG.md'),
    readFileSync(file('CHANGELOG.md'), 'utf8').replace('## Unreleased\n', `## Unreleased\n- c${c} change ${k}\n`),
  );
  mkdirSync(file('sessions'), { recursive: true });
  writeFileSync(
    file(`sessions/c${c}.md`),
    `${k === 1 ? '' : readFileSync(file(`sessions/c${c}.md`), 'utf8')}- c${c} session entry ${k}\n`,
  );
  writeFileSync(file(`c${c}.txt`), `c${c} version ${k}\n`);
  await exec('git', ['add', '-A'], { cwd: dir, env: world.env });
  await exec('git', ['commit', '-q', '-m', `c${c} commit ${k}`], { cwd: dir, env: world.env });
}

async function pushOnce(world: SwarmWorld, dir: string, c: number, k: number, args: string[]): Promise<PushRun> {
  const env = world.envs?.[c] ?? world.env;
  const r = await cliAsync(['push', '--json', ...args], { cwd: dir, env, timeoutMs: 600_000 });
  let pushes = 0;
  try {
    const log = (JSON.parse(r.stdout) as { log?: Array<{ result: string }> }).log ?? [];
    pushes = log.filter((e) => ['pushed', 'race', 'rejected'].includes(e.result)).length;
  } catch {
    /* no JSON (a crash): counted as a failure by its exit code */
  }
  return { agent: c, commit: k, code: r.code, pushes, stderr: r.stderr };
}

/** Every agent commits and pushes its commits one after another, all agents at once. */
export async function runSwarm(world: SwarmWorld, args: string[] = []): Promise<{ seconds: number; runs: PushRun[] }> {
  const started = Date.now();
  const runs: PushRun[] = [];
  await Promise.all(
    world.clones.map(async (dir, c) => {
      for (let k = 1; k <= world.commits; k++) {
        await commitStep(world, dir, c, k);
        runs.push(await pushOnce(world, dir, c, k, args));
      }
    }),
  );
  return { seconds: (Date.now() - started) / 1000, runs };
}

/** The serial bound: one work tree makes every agent's commits and pushes each one, one after another. */
export async function runSerial(world: SwarmWorld, args: string[] = []): Promise<{ seconds: number; runs: PushRun[] }> {
  const dir = world.clones[0]!;
  const started = Date.now();
  const runs: PushRun[] = [];
  for (let k = 1; k <= world.commits; k++) {
    for (let c = 0; c < world.agents; c++) {
      await commitStep(world, dir, c, k);
      runs.push(await pushOnce(world, dir, c, k, args));
    }
  }
  return { seconds: (Date.now() - started) / 1000, runs };
}

/** What is wrong with the remote after a swarm (empty: every guarantee held). */
export function swarmProblems(world: SwarmWorld): { landed: number; problems: string[] } {
  const { agents, commits, remote, env } = world;
  const problems: string[] = [];
  const inRemote = (...args: string[]) => git(remote, args, env);
  const landed = Number(inRemote('rev-list', '--count', 'main')) - 1;
  if (landed !== agents * commits) problems.push(`${landed} of ${agents * commits} commits landed`);
  if (inRemote('rev-list', '--merges', 'main') !== '') problems.push('history is not linear');
  const subjects = inRemote('log', '--format=%s', 'main').split('\n');
  if (new Set(subjects).size !== subjects.length) problems.push('a commit landed twice');
  const roadmap = inRemote('show', 'main:ROADMAP.md').split('\n');
  const changelog = inRemote('show', 'main:CHANGELOG.md').split('\n');
  const once = (lines: string[], line: string) => {
    const n = lines.filter((l) => l === line).length;
    if (n !== 1) problems.push(`"${line}" ${n} times`);
  };
  const landedSubjects = new Set(subjects);
  for (let c = 0; c < agents; c++) {
    const last =
      Array.from({ length: commits }, (_, k) => k + 1)
        .filter((k) => landedSubjects.has(`c${c} commit ${k}`))
        .at(-1) ?? 0;
    if (last > 0) once(roadmap, `- [x] base task c${c}`);
    for (let k = 1; k <= last; k++) {
      once(roadmap, `- [${k < last ? 'x' : ' '}] c${c} item ${k}`);
      once(changelog, `- c${c} change ${k}`);
    }
  }
  once(changelog, '- first release');
  if (/^(<<<<<<<|=======|>>>>>>>)/m.test(`${roadmap.join('\n')}\n${changelog.join('\n')}`))
    problems.push('conflict markers on the remote');
  const updates = readFileSync(join(world.root, 'update.log'), 'utf8').trim().split('\n');
  if (!updates.every((l) => l.endsWith(' ff'))) problems.push('an update hook saw a rewrite');
  const accepted = readFileSync(join(world.root, 'post-receive.log'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => l.split(' '));
  for (const [oldSha, newSha] of accepted) {
    const ff =
      oldSha === ZERO ||
      spawnSync('git', ['merge-base', '--is-ancestor', oldSha!, newSha!], { cwd: remote, env }).status === 0;
    if (!ff) problems.push(`${oldSha} -> ${newSha} rewrote main`);
  }
  return { landed, problems };
}

/** `update` logs every proposed change with whether it is a fast-forward; post-receive logs what landed. */
function installLogHooks(remote: string, logDir: string): void {
  const hook = (name: string, body: string) => {
    const path = join(remote, 'hooks', name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
  };
  hook(
    'update',
    `if [ "$2" = ${ZERO} ] || git merge-base --is-ancestor "$2" "$3"; then r=ff; else r=rewrite; fi\necho "$1 $2 $3 $r" >> '${join(logDir, 'update.log')}'`,
  );
  hook(
    'post-receive',
    `while read old new ref; do echo "$old $new $ref" >> '${join(logDir, 'post-receive.log')}'; done`,
  );
}
