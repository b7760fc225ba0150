// The post-push step's command line (`hook watch <sha> --branch … --remote … [--url …] [--pid … --start …]
// [--since …] [--timeout …]`, as the pre-push hook writes it) turned into its request: shared by the command
// table (register.ts) and the hand-over's own entry point (handOverMain.ts), so both read it alike.
import type { PostPushRequest } from '../../hooks/postPush.js';
import { parseNonNegative } from '../../kernel/parse.js';

/** A push still running after this long is not worth watching: the post-push step gives up. */
export const PUSH_TIMEOUT_S = 600;

export interface PostPushFlags {
  branch: string;
  remote: string;
  url?: string;
  pid?: string;
  start?: string;
  since?: string;
  timeout?: string;
}

export function postPushCall(sha: string, flags: PostPushFlags): { request: PostPushRequest; timeout: number } {
  const timeout = parseNonNegative('--timeout', flags.timeout ?? String(PUSH_TIMEOUT_S), 86_400);
  const pid = flags.pid === undefined ? null : parseNonNegative('--pid', flags.pid);
  const push = pid ? { pid, startTime: flags.start || null } : null;
  const since = flags.since === undefined ? null : parseNonNegative('--since', flags.since);
  return {
    request: { sha, branch: flags.branch, remote: flags.remote, url: flags.url ?? null, push, since },
    timeout,
  };
}
