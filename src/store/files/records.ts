// The file store's records and logs: runs/<sha>.json (0644) and runs/<sha>.log (0600: it may hold build
// output), read without following a planted link.
import { chmodSync, lstatSync, readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import { isErrno } from '../../kernel/errors.js';
import { isFinal, parseRecord, type StatusRecord } from '../statusRecord.js';
import type { ReadResult } from '../statusStore.js';
import { runPaths, runsDir } from './stateDir.js';
import { readNoFollow, type StateFolder } from './stateFolder.js';

const RUN_FILE = /^([0-9a-f]{40})\.(json|log)$/;

export async function readRecord(folder: StateFolder, sha: string): Promise<ReadResult> {
  const file = runPaths(folder.dir, sha).record;
  let text: string;
  try {
    text = readNoFollow(file);
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return { status: 'missing' };
    if (isErrno(error, 'EISDIR')) return { status: 'corrupt', file, reason: 'is a folder, not a file' };
    if (isErrno(error, 'ELOOP')) return { status: 'corrupt', file, reason: 'is a symlink, which is never followed' };
    throw folder.unusable(error);
  }
  const parsed = parseRecord(text);
  if (!parsed.ok) return { status: 'corrupt', file, reason: parsed.reason };
  if (parsed.record.sha !== sha)
    return { status: 'corrupt', file, reason: `it records commit ${parsed.record.sha}, not ${sha}` };
  return { status: 'ok', record: parsed.record };
}

export async function writeRecord(folder: StateFolder, record: StatusRecord): Promise<void> {
  folder.ensure();
  try {
    writeFileAtomic(runPaths(folder.dir, record.sha).record, `${JSON.stringify(record, null, 2)}\n`, 0o644);
  } catch (error) {
    throw folder.unusable(error);
  }
}

export async function listShas(folder: StateFolder): Promise<string[]> {
  const shas = new Set<string>();
  for (const name of folder.names(runsDir(folder.dir))) {
    const match = RUN_FILE.exec(name);
    if (match?.[1]) shas.add(match[1]);
  }
  return [...shas];
}

export async function inProgress(folder: StateFolder): Promise<StatusRecord[]> {
  const out: StatusRecord[] = [];
  for (const sha of await listShas(folder)) {
    // One unreadable record must not hide the others in progress: `check` names it when asked for that commit.
    const read = await readRecord(folder, sha).catch(() => null);
    if (read?.status === 'ok' && !isFinal(read.record.state)) out.push(read.record);
  }
  return out;
}

export async function writeLog(folder: StateFolder, sha: string, text: string): Promise<void> {
  folder.ensure();
  const file = runPaths(folder.dir, sha).log;
  try {
    writeFileAtomic(file, text, 0o600);
    chmodSync(file, 0o600); // the umask must not widen a log that holds remote build output
  } catch (error) {
    throw folder.unusable(error);
  }
}

export async function tailLog(folder: StateFolder, sha: string, count: number): Promise<string[] | null> {
  const file = runPaths(folder.dir, sha).log;
  let text: string;
  try {
    if (!lstatSync(file).isFile()) return null; // never follow a planted symlink
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (isErrno(error, 'ENOENT')) return null;
    throw folder.unusable(error);
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines.slice(-count);
}
