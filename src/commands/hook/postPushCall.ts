// The post-push step's command line (`hook watch <sha> --branch … --remote … [--url …] [--pid … --start …]
// [--since …] [--timeout …]`, as the pre-push hook writes it) turned into its request: shared by the command
// table (register.ts) and the hand-over's own entry point (handOverMain.ts), so both read it alike.
import type { PostPushRequest } from '../../hooks/postPush.js';
import { UsageError } from '../../kernel/errors.js';
import * as msg from '../../kernel/messages.js';
import { parseNonNegative } from '../../kernel/parse.js';

/** A full commit id, as git gives it to the hook (SHA-1 or SHA-256): it names files in the state folder. */
const FULL_SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

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
  if (!FULL_SHA.test(sha)) throw new UsageError(msg.postPushShaInvalid(sha));
  const timeout = parseNonNegative('--timeout', flags.timeout ?? String(PUSH_TIMEOUT_S), 86_400);
  const pid = flags.pid === undefined ? null : parseNonNegative('--pid', flags.pid);
  const push = pid ? { pid, startTime: flags.start || null } : null;
  const since = flags.since === undefined ? null : parseNonNegative('--since', flags.since);
  return {
    request: { sha, branch: flags.branch, remote: flags.remote, url: flags.url ?? null, push, since },
    timeout,
  };
}
