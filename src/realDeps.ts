// The real dependencies of a command run: git, the repository, the state folder, the config (lazily,
// so a command that does not need zod or pino never loads them), the clock and detached spawns. Shared
// by main.ts and checkMain.ts, which answers a plain `check` without loading the command table.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { lazy, type Deps, type GlobalOptions, type Output } from './core/deps.js';
import { realClock } from './core/clock.js';
import { useColour } from './core/format.js';
import { binPath } from './core/packageRoot.js';
import { createGit } from './core/git.js';
import { discoverRepo } from './core/repo.js';
import { readRepoFromFiles } from './core/repoFiles.js';
import { stateDirFor, toolLogPath } from './core/stateDir.js';
import { FileStatusStore } from './core/statusStore.js';

export interface Io {
  stdout: Output;
  stderr: Output;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export const processIo = (): Io => ({
  stdout: { write: (s) => void process.stdout.write(s), isTTY: Boolean(process.stdout.isTTY) },
  stderr: { write: (s) => void process.stderr.write(s), isTTY: Boolean(process.stderr.isTTY) },
  env: process.env,
  cwd: process.cwd(),
});

/** How the config (zod) and the logger (pino) are loaded: main.ts imports them on first use. */
export interface Loaders {
  config(): Promise<typeof import('./core/config.js')>;
  log(): Promise<typeof import('./core/log.js')>;
}

export function createDeps(globals: GlobalOptions, io: Io, load: Loaders): Deps {
  const cwd = resolve(io.cwd, globals.cwd);
  const git = lazy(() => createGit(cwd, io.env));
  const repo = lazy(() => readRepoFromFiles(cwd, io.env) ?? discoverRepo(git()));
  const stateDir = lazy(() => stateDirFor(repo(), io.env));
  const store = lazy(() => new FileStatusStore(stateDir()));
  const config = lazy(async () => (await load.config()).loadConfig(repo().topLevel, io.env));
  return {
    globals,
    env: io.env,
    stdout: io.stdout,
    stderr: io.stderr,
    colour: !globals.json && useColour(io.stdout.isTTY, io.env),
    ...realClock,
    kill: (pid, signal) => void process.kill(pid, signal),
    git,
    repo,
    stateDir,
    store,
    config,
    logger: lazy(async () => {
      const { createLogger } = await load.log();
      const secrets = await secretsOf(config);
      return createLogger(toolLogPath(stateDir()), [secrets.doToken, secrets.databaseUrl], globals.verbose ? 'debug' : 'info');
    }),
    spawnDetached(args) {
      const child = spawn(process.execPath, [binPath(), ...args], { cwd: repo().topLevel, detached: true, stdio: 'ignore', env: io.env });
      child.unref();
      return child.pid ?? 0;
    },
  };
}

async function secretsOf(config: () => Promise<{ secrets: { doToken: string | null; databaseUrl: string | null } }>) {
  try {
    return (await config()).secrets;
  } catch {
    return { doToken: null, databaseUrl: null };
  }
}
