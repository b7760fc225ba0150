// The file store's inboxes: watcher/follow/<sha>.json (a commit handed to the watcher) and watcher/stop/<sha>
// (the reason to stop following it), one file per commit.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { asSettingsPrint } from '../../kernel/config/settingsPrint.js';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import { removeFile } from '../../kernel/fs/pidFile.js';
import * as msg from '../../kernel/messages.js';
import { type FollowRequest, followRequestOf } from '../statusStore.js';
import { readNoFollow, type StateFolder } from './stateFolder.js';

const REQUEST_FILE = /^([0-9a-f]{40})(\.json)?$/;

export async function requestFollow(folder: StateFolder, request: FollowRequest): Promise<void> {
  folder.ensure();
  try {
    writeFileAtomic(join(folder.watcher.follow, `${request.sha}.json`), `${JSON.stringify(request)}\n`, 0o644);
  } catch (error) {
    throw folder.unusable(error);
  }
}

export async function followRequests(folder: StateFolder): Promise<FollowRequest[]> {
  const out: FollowRequest[] = [];
  for (const name of folder.names(folder.watcher.follow)) {
    const sha = REQUEST_FILE.exec(name)?.[1];
    if (!sha) continue;
    try {
      const stored = JSON.parse(readNoFollow(join(folder.watcher.follow, name))) as Partial<FollowRequest>;
      out.push({ ...followRequestOf(sha, stored), settings: asSettingsPrint(stored.settings) });
    } catch {
      out.push({ sha, branch: null, remote: null, requestedAt: '' }); // half-written or odd: the sha is enough
    }
  }
  return out;
}

export async function isFollowRequested(folder: StateFolder, sha: string): Promise<boolean> {
  return existsSync(join(folder.watcher.follow, `${sha}.json`));
}

export async function dropFollowRequest(folder: StateFolder, sha: string): Promise<void> {
  removeFile(join(folder.watcher.follow, `${sha}.json`));
}

export async function requestStop(folder: StateFolder, sha: string, reason: string): Promise<void> {
  folder.ensure();
  writeFileAtomic(join(folder.watcher.stop, sha), reason, 0o644);
}

export async function stopRequests(folder: StateFolder): Promise<Array<{ sha: string; reason: string }>> {
  const out: Array<{ sha: string; reason: string }> = [];
  for (const name of folder.names(folder.watcher.stop)) {
    if (!REQUEST_FILE.exec(name) || name.endsWith('.json')) continue;
    let reason = '';
    try {
      reason = readNoFollow(join(folder.watcher.stop, name)).trim();
    } catch {
      /* gone meanwhile, or odd: the default reason */
    }
    out.push({ sha: name, reason: reason || msg.STOPPED_BY_USER });
  }
  return out;
}

export async function dropStopRequest(folder: StateFolder, sha: string): Promise<void> {
  removeFile(join(folder.watcher.stop, sha));
}
