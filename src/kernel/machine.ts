// Who and where, for a team's records: the machine's name (DEPLOY_WATCH_HOST when containers or sandboxes
// all share one hostname) and the person or agent pushing (git's author name when set, else the login).
import { hostname, userInfo } from 'node:os';

export function machineName(env: NodeJS.ProcessEnv): string {
  return env.DEPLOY_WATCH_HOST || hostname();
}

export function pusherName(env: NodeJS.ProcessEnv): string {
  if (env.DEPLOY_WATCH_PUSHER) return env.DEPLOY_WATCH_PUSHER;
  if (env.GIT_AUTHOR_NAME) return env.GIT_AUTHOR_NAME;
  try {
    return userInfo().username;
  } catch {
    // no passwd entry for this uid (containers): the name is a label on records, never a credential
    return env.USER || 'unknown';
  }
}

/** Who asks for something on this machine, as `alice@laptop` (a stop names its asker on the records). */
export function askerName(env: NodeJS.ProcessEnv): string {
  return `${pusherName(env)}@${machineName(env)}`;
}
