// Messages about the repository and the command line's arguments.

import { BIN, printable } from './common.js';

export const notARepository = (cwd: string) =>
  `${cwd} is not inside a git repository. Run ${BIN} from your project's folder, or pass --cwd <dir>.`;
export const NO_COMMITS_YET = `This branch has no commit yet, so there is nothing to check. Commit and push first, or name a commit: ${BIN} check <sha>.`;
export const commitArgTooLong = (length: number) =>
  `The commit argument is ${length} characters long; a commit is named by a sha (4 to 40 hex digits) or a ref such as HEAD~1.`;
export const invalidCommitArg = (input: string) =>
  `"${printable(input)}" is not a commit name. Give a sha or a unique prefix of one (4 to 40 hex digits), or a ref such as HEAD, HEAD~1 or main.`;
export const ambiguousPrefix = (prefix: string, matches: string[]) =>
  `The prefix ${prefix} matches ${matches.length} commits (${matches
    .slice(0, 5)
    .map((s) => s.slice(0, 12))
    .join(', ')}${matches.length > 5 ? ', …' : ''}). Give more digits.`;
export const unknownCommit = (input: string) =>
  `No commit named "${printable(input)}" in this repository. Check the sha (git log --oneline), or fetch first if it was pushed from elsewhere.`;
export const noStateForCommit = (input: string) =>
  `No monitor or status record here matches "${printable(input)}". List them with: ${BIN} manage status.`;
export const badNumber = (flag: string, value: string, what: string) =>
  `${flag} must be ${what}; got "${printable(value)}".`;
export const limitWithoutAll = `--limit sets how many commits check --all lists: give it with --all (${BIN} check --all --limit 5), or leave it out.`;
export const cwdMissing = (dir: string) =>
  `--cwd ${printable(dir, 300)}: no such folder. Give the path of your project's folder (or a folder inside it).`;
export const cwdNotFolder = (dir: string) =>
  `--cwd ${printable(dir, 300)} is not a folder. Give the path of your project's folder.`;
