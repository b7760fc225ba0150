// The queue key of a push: the remote's URL (local paths made absolute, so clones that name one
// remote differently still share a line) and the branch.
import { realpathSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { Git } from '../../git/git.js';
import type { QueueKey } from './pushQueue.js';

export async function queueKeyFor(git: Git, topLevel: string, remote: string, branch: string): Promise<QueueKey> {
  const r = await git.run(['remote', 'get-url', remote], { allowFailure: true });
  const url = r.exitCode === 0 ? r.stdout.trim() : remote;
  return { url: normaliseUrl(url, topLevel), branch };
}

function normaliseUrl(url: string, topLevel: string): string {
  // scheme://… and scp-like host:path are remote; anything else is a path on this machine.
  const local = url.startsWith('file://') ? url.slice(7) : url;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(local) || (/^[^/]+:/.test(local) && !isAbsolute(local))) return url;
  const path = resolve(topLevel, local);
  try {
    return realpathSync(path).replace(/\/(\.git)?$/, '');
  } catch {
    // a path that does not resolve (yet) keys the queue as written: every pusher writes it alike
    return path;
  }
}
