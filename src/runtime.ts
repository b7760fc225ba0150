// The one place that builds the real dependencies, for each kind of run: the CLI and a plain check
// (createDeps), the library API (openRepo) and the pre-push hook's fast path (createHookDeps). Tests build
// their own.
import { resolve } from 'node:path';
import type { HookDeps } from './commands/hook/index.js';
import { resolveCommit } from './store/commitRef.js';
import { realClock } from './kernel/clock.js';
import { redactionList } from './kernel/config/redactionList.js';
import { type TeamMode, teamModeOf } from './kernel/config/teamMode.js';
import { lazy, type Deps, type GlobalOptions, type Output } from './deps.js';
import { fdOutput } from './kernel/fdOutput.js';
import { useColour } from './kernel/format.js';
import { createGit, type Git } from './git/git.js';
import { machineName, pusherName } from './kernel/machine.js';
import { binPath } from './kernel/packageRoot.js';
import { discoverRepo, type RepoInfo } from './git/repo.js';
import { readRepoFromFiles } from './git/repoFiles.js';
import { spawnDetached } from './kernel/spawnDetached.js';
import { stateDirFor, toolLogPath } from './store/files/stateDir.js';
import { FileStatusStore } from './store/files/fileStatusStore.js';
import type { StatusStore } from './store/statusStore.js';
import { PgStatusStore } from './store/postgres/pgStatusStore.js';

export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

const stdout = (): Output => fdOutput(1, () => process.stdout);
const stderr = (): Output => fdOutput(2, () => process.stderr);

export const processIo = (): Io => ({
  stdout: stdout(),
  stderr: stderr(),
  env: process.env,
  cwd: process.cwd(),
});

const realKill = (pid: number, signal: NodeJS.Signals | 0): void => void process.kill(pid, signal);

/**
 * How the config (zod) and the logger (pino) are loaded. The caller's bundle decides: main.ts imports them
 * on first use; check's own entry point never does, so its single-file bundle does not carry them.
 */
export interface Loaders {
  config(): Promise<typeof import('./kernel/config/config.js')>;
  log(): Promise<typeof import('./kernel/log.js')>;
}

/**
 * The CLI's dependencies: every member lazy, so a command pays only for what it uses. `leave` is the entry
 * point's answer to leaveWhenDone (main.ts ends the process; check's entry never has to).
 */
export function createDeps(globals: GlobalOptions, io: Io, load: Loaders, leave: () => void = () => undefined): Deps {
  const cwd = resolve(io.cwd, globals.cwd);
  const git = lazy(() => createGit(cwd, io.env));
  // Reading .git's files answers without starting git; git decides whenever they are unclear.
  const repo = lazy(() => readRepoFromFiles(cwd, io.env) ?? discoverRepo(git()));
  const stateDir = lazy(() => stateDirFor(repo(), io.env));
  const config = lazy(async () => (await load.config()).loadConfig(repo().topLevel, io.env));
  const team = lazy(() => teamModeOf(io.env));
  const store = lazy(() =>
    storeFor(
      stateDir(),
      io.env,
      team(),
      async () => {
        const loaded = await config();
        return { schema: loaded.team.schema, project: (await load.config()).teamProject(loaded) };
      },
      (message) => io.stderr.write(`${message}\n`),
    ),
  );
  return {
    globals,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    colour: !globals.json && useColour(io.stdout.isTTY, io.env),
    ...realClock,
    kill: realKill,
    git,
    repo,
    stateDir,
    store,
    team,
    config,
    logger: lazy(async () => {
      const { createLogger } = await load.log();
      return createLogger(toolLogPath(stateDir()), redactionList(io.env), globals.verbose ? 'debug' : 'info');
    }),
    leaveWhenDone: leave,
    spawnDetached: (args) => spawnDetached(args, { bin: binPath(), cwd: repo().topLevel, env: io.env }),
  };
}

/**
 * The status store: the state folder's files, or in team mode the team's PostgreSQL (its schema and project
 * read from the config on first use).
 */
export function storeFor(
  stateDir: string,
  env: NodeJS.ProcessEnv,
  team: TeamMode | null,
  teamConfig: () => Promise<{ schema: string; project: string }>,
  warn: (message: string) => void,
): StatusStore {
  if (!team) return new FileStatusStore(stateDir, realClock);
  return new PgStatusStore({
    stateDir,
    warn,
    host: machineName(env),
    pushedBy: pusherName(env),
    settings: async () => ({ ...team, ...(await teamConfig()) }),
  });
}

export interface RepoOptions {
  /** A folder inside the repository (default: process.cwd()). */
  cwd?: string;
  /** Environment to read (default: process.env); DEPLOY_WATCH_STATE_DIR is honoured. */
  env?: NodeJS.ProcessEnv;
}

export interface OpenedRepo {
  env: NodeJS.ProcessEnv;
  git: Git;
  repo: RepoInfo;
  store: StatusStore;
  /** Team mode, decided once for the call (see teamMode.ts). */
  team: TeamMode | null;
  resolveSha(commit?: string): Promise<string>;
  kill(pid: number, signal: NodeJS.Signals | 0): void;
}

/** The library API's dependencies: built at once, since each call uses all of them. */
export function openRepo(options: RepoOptions = {}): OpenedRepo {
  const env = options.env ?? process.env;
  const git = createGit(resolve(options.cwd ?? process.cwd()), env);
  const repo = discoverRepo(git);
  const team = teamModeOf(env);
  // Team mode reads its schema and project from the config, loaded (zod and all) only then.
  const store = storeFor(
    stateDirFor(repo, env),
    env,
    team,
    async () => {
      const { loadConfig, teamProject } = await import('./kernel/config/config.js');
      const config = loadConfig(repo.topLevel, env);
      return { schema: config.team.schema, project: teamProject(config) };
    },
    (message) => process.stderr.write(`${message}\n`),
  );
  return {
    env,
    git,
    repo,
    store,
    team,
    kill: realKill,
    resolveSha: (commit) => resolveCommit(commit, { git, store, head: repo.head }),
  };
}

/** What the pre-push hook's fast path needs, without the command table or a lazy config. */
export function createHookDeps(bin = binPath()): HookDeps {
  const env = process.env;
  const git = createGit(process.cwd(), env);
  return {
    env,
    globals: { json: false, quiet: false, verbose: false, cwd: '.' },
    stderr: stderr(),
    git: () => git,
    now: realClock.now,
    spawnDetached: (args) => spawnDetached(args, { bin, cwd: git.cwd, env }),
  };
}
