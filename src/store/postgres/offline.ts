// The team store's offline folder: where this machine records while the database cannot be reached (a file
// store under <state>/offline), and its upload once the database answers again.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { removeFile } from '../../kernel/fs/pidFile.js';
import { FileStatusStore } from '../files/fileStatusStore.js';
import { isFinal, type StatusRecord } from '../statusRecord.js';
import { isUnreachable } from './connection.js';
import { uploadFollowRequest } from './inboxes.js';
import { uploadLog, uploadRecord } from './records.js';
import type { ProjectTables } from './teamDatabase.js';

const OFFLINE_DIR = 'offline';

export class OfflineFolder {
  /** Where calls go while the database cannot be reached. */
  readonly files: FileStatusStore;
  /** Something was (or may have been) recorded offline and is not in the database yet. */
  uploadDue: boolean;
  /** The records this process wrote that are still in progress: copied here when it goes offline. */
  private readonly following = new Map<string, StatusRecord>();

  constructor(stateDir: string, clock?: { now(): number; sleep(ms: number): Promise<void> }) {
    this.files = new FileStatusStore(join(stateDir, OFFLINE_DIR), clock);
    this.uploadDue = existsSync(join(stateDir, OFFLINE_DIR));
  }

  /** Every record this process writes, online or not: the ones still in progress are kept for takeOver. */
  remember(record: StatusRecord): void {
    if (isFinal(record.state)) this.following.delete(record.sha);
    else this.following.set(record.sha, record);
  }

  /** The database is gone: calls come here now, and what was recorded here is due for upload. */
  takeOver(): void {
    this.uploadDue = true;
    // What this process follows is on this machine from now on, not only from its next poll: `check` here
    // answers from the offline folder while the database is down.
    // (A record the offline folder has already is newer: written by the call that found the database gone.)
    for (const record of this.following.values())
      void this.files
        .read(record.sha)
        .then(async (read) => {
          if (read.status === 'missing') await this.files.write(record);
        })
        // Best effort: a copy that fails leaves the record to the watcher's next write, which lands here.
        .catch(() => undefined);
  }

  /**
   * Uploads what was recorded offline, whoever holds the lease now: an outcome lands unless the commit has one
   * already (an outcome is a fact about the deployment, not a lease holder's opinion, and is recorded once);
   * a record still in progress lands only for a commit the store has no record of (otherwise the current
   * holder's record stands, and the holder follows the commit on).
   */
  async upload(tables: ProjectTables): Promise<void> {
    try {
      for (const sha of await this.files.listShas()) {
        const read = await this.files.read(sha);
        if (read.status === 'ok') await uploadRecord(tables, read.record);
        const log = await this.files.tailLog(sha, Number.MAX_SAFE_INTEGER);
        if (log) await uploadLog(tables, sha, `${log.join('\n')}\n`);
        // Uploaded: its files go, unless a watcher still offline wrote a newer record meanwhile (uploaded next time).
        const now = await this.files.read(sha);
        if (read.status !== 'ok' || (now.status === 'ok' && JSON.stringify(now.record) === JSON.stringify(read.record)))
          for (const file of Object.values(this.files.paths(sha))) removeFile(file);
        else this.uploadDue = true;
      }
      for (const request of await this.files.followRequests()) {
        await uploadFollowRequest(tables, request);
        await this.files.dropFollowRequest(request.sha);
      }
    } catch (error) {
      this.uploadDue = true; // the next call that reaches the database tries again
      if (!isUnreachable(error)) throw error;
    }
  }
}
