// `deploy-watch merge-driver <strategy> %O %A %B [%P]`, run by git. Exit 0 with the merge in %A;
// the only non-zero exit (1) comes after conflict markers holding all three versions were
// written into %A, so a `git add` can never silently keep one side. If %A itself cannot be
// written, exit 129: git treats a driver exit above 128 as a failed merge, not a conflict.
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../kernel/fs/atomicWrite.js';
import type { Deps } from '../../deps.js';
import { MERGE_DRIVER_EXIT } from '../../kernel/exitCodes.js';
import * as msg from '../../kernel/messages.js';
import { isStrategy, mergeWith } from '../../push/merge/strategies.js';
import { hasConflictMarkers, lostLines } from '../../push/merge/verify.js';

export interface MergeDriverOptions {
  strategy: string;
  base: string;
  ours: string;
  theirs: string;
  path?: string;
}

export async function runMergeDriver(o: MergeDriverOptions, deps: Deps): Promise<number> {
  const label = o.path ?? o.ours;
  let texts: [string, string, string];
  try {
    texts = [read(o.base), read(o.ours), read(o.theirs)];
  } catch (error) {
    deps.stderr.write(`${msg.driverUnresolved(label, (error as Error).message)}\n`);
    return MERGE_DRIVER_EXIT.failed;
  }
  const [base, ours, theirs] = texts;
  let why: string | null = null;
  let merged = '';
  if (!isStrategy(o.strategy)) why = msg.unknownStrategy(o.strategy);
  else if ([base, ours, theirs].some((t) => t.includes('\0'))) why = 'binary content';
  else {
    merged = mergeWith(o.strategy, base, ours, theirs);
    const lost = lostLines(o.strategy, base, ours, theirs, merged);
    if (lost.length > 0) why = `the merge would lose ${lost.length} line(s)`;
    else if (hasConflictMarkers(merged) && !hasConflictMarkers(ours) && !hasConflictMarkers(theirs))
      why = 'conflict markers in the result';
  }
  try {
    writeFileAtomic(o.ours, why ? markers(base, ours, theirs) : merged);
  } catch (error) {
    deps.stderr.write(`${msg.driverUnresolved(label, (error as Error).message)}\n`);
    return MERGE_DRIVER_EXIT.failed;
  }
  if (why) deps.stderr.write(`${msg.driverUnresolved(label, why)}\n`);
  return why ? MERGE_DRIVER_EXIT.conflict : MERGE_DRIVER_EXIT.merged;
}

const read = (file: string) => readFileSync(file, 'utf8');

const withNewline = (text: string) => (text === '' || text.endsWith('\n') ? text : `${text}\n`);

/** diff3-style markers around the whole file: every version is kept for the person resolving. */
export function markers(base: string, ours: string, theirs: string): string {
  return `<<<<<<< ours\n${withNewline(ours)}||||||| base\n${withNewline(base)}=======\n${withNewline(theirs)}>>>>>>> theirs\n`;
}
