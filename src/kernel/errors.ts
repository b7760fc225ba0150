// Errors are values that carry their exit code; only main.ts turns them into process exit.
import { EXIT } from './exitCodes.js';

/** An error whose message is meant for the user as it is (no stack trace). */
export class DeployWatchError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad flag, bad argument, invalid sha: exit 64. */
export class UsageError extends DeployWatchError {
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/** Invalid config file or environment: exit 78. */
export class ConfigError extends DeployWatchError {
  constructor(message: string) {
    super(message, EXIT.config);
  }
}

/** Something the tool could not do for reasons outside the user's input: exit 70. */
export class InternalError extends DeployWatchError {
  constructor(message: string) {
    super(message, EXIT.internal);
  }
}

/** An error from a git invocation, with what git said. */
export class GitError extends DeployWatchError {
  constructor(
    readonly args: readonly string[],
    readonly stderr: string,
    readonly gitExitCode: number | null,
  ) {
    super(
      `git ${args.join(' ')} failed (exit ${gitExitCode ?? 'signal'}): ${stderr.trim() || 'no output'}`,
      EXIT.internal,
    );
  }
}

export function isErrno(error: unknown, code?: string): error is NodeJS.ErrnoException {
  return (
    error instanceof Error &&
    typeof (error as NodeJS.ErrnoException).code === 'string' &&
    (code === undefined || (error as NodeJS.ErrnoException).code === code)
  );
}
