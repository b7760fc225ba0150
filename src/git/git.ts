// The one git wrapper: argv arrays (no shell), cwd bound once, typed errors. On node:child_process
// rather than simple-git or execa: `check` and the pre-push hook run git, and importing simple-git
// costs ~60 ms and execa ~150 ms, against a ~50 ms Node start.
import { nodeChildProcess } from '../kernel/lazyBuiltins.js';
import { GitError, InternalError } from '../kernel/errors.js';

const GIT_MISSING = 'git is not installed or not on PATH. Install git 2.31 or later.';

export interface GitResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

export interface Git {
  readonly cwd: string;
  /** Runs git; throws GitError on a non-zero exit unless `allowFailure`. */
  run(
    args: readonly string[],
    opts?: { allowFailure?: boolean; input?: string; env?: NodeJS.ProcessEnv },
  ): Promise<GitResult>;
  /** Synchronous variant for start-up paths. */
  runSync(args: readonly string[], opts?: { allowFailure?: boolean }): GitResult;
}

const MAX_BUFFER = 64 * 1024 * 1024;

export function createGit(cwd: string, baseEnv: NodeJS.ProcessEnv = process.env): Git {
  // Keep git's output stable to parse regardless of the user's locale and pager.
  const env = { ...baseEnv, LC_ALL: 'C', GIT_PAGER: 'cat', GIT_TERMINAL_PROMPT: '0' };
  return {
    cwd,
    run(args, opts = {}) {
      return new Promise((resolve, reject) => {
        const child = nodeChildProcess().execFile(
          'git',
          [...args],
          { cwd, env: { ...env, ...opts.env }, maxBuffer: MAX_BUFFER, encoding: 'utf8' },
          (error, stdout, stderr) => {
            if (error && (error as NodeJS.ErrnoException).code === 'ENOENT')
              return reject(new InternalError(GIT_MISSING));
            const exitCode = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
            if (error && typeof error.code !== 'number' && !opts.allowFailure) {
              reject(new GitError(args, `${stderr}${error.message}`, null));
              return;
            }
            if (exitCode !== 0 && !opts.allowFailure) reject(new GitError(args, stderr, exitCode));
            else resolve({ stdout, stderr, exitCode });
          },
        );
        // Close stdin either way, so a git that would read it never waits. A git that exits before
        // reading makes that write fail with EPIPE: harmless (its exit code says what happened),
        // but unhandled it would crash the process (seen under load, with many pushes at once).
        child.stdin?.on('error', () => undefined);
        child.stdin?.end(opts.input ?? '');
      });
    },
    runSync(args, opts = {}) {
      try {
        const stdout = nodeChildProcess().execFileSync('git', [...args], {
          cwd,
          env,
          maxBuffer: MAX_BUFFER,
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        return { stdout, stderr: '', exitCode: 0 };
      } catch (error) {
        const e = error as { status?: number | null; stderr?: string; stdout?: string; message: string; code?: string };
        if (e.code === 'ENOENT') throw new InternalError(GIT_MISSING);
        const exitCode = typeof e.status === 'number' ? e.status : 1;
        if (!opts.allowFailure) throw new GitError(args, e.stderr ?? e.message, e.status ?? null);
        return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', exitCode };
      }
    },
  };
}
