// Where a health endpoint commonly reports the commit it serves, looked in when `health.commit` is not set.
// The README names exactly these headers and fields; keep the two in step. Only a value that looks like a
// git sha counts (7 to 64 hex digits), so a `version` of "1.4.2" or a `commit` of "unknown" is passed over.
import { parseJsonPath, readJsonPath, type PathStep } from './jsonPath.js';

/** Response headers, in the order they are looked in (before the body: no body needs reading then). */
export const COMMIT_HEADERS = [
  'x-commit-sha',
  'x-commit',
  'x-git-commit',
  'x-git-sha',
  'x-revision',
  'x-app-version',
] as const;

/** JSON paths into the body, in the order they are looked in. */
export const COMMIT_FIELDS = [
  '$.commit',
  '$.commitSha',
  '$.commit_sha',
  '$.sha',
  '$.gitSha',
  '$.git_sha',
  '$.gitCommit',
  '$.git_commit',
  '$.revision',
  '$.version',
  '$.git.commit',
  '$.git.sha',
  '$.git.commit.id',
  '$.build.commit',
  '$.build.sha',
  '$.version.commit',
  '$.version.sha',
  '$.commit.sha',
  '$.commit.id',
] as const;

const FIELD_STEPS: { path: string; steps: PathStep[] }[] = COMMIT_FIELDS.map((path) => ({
  path,
  steps: parseJsonPath(path) as PathStep[],
}));

/** A full or abbreviated git sha (SHA-1 or SHA-256), surrounding space allowed. */
export function looksLikeSha(value: unknown): value is string {
  return typeof value === 'string' && /^\s*[0-9a-f]{7,64}\s*$/i.test(value);
}

export interface FoundCommit {
  commit: string;
  /** Where it was found, for messages: `header x-commit-sha` or `$.git.commit`. */
  where: string;
}

/** The first sha-like value among the headers. */
export function commitInHeaders(headers: Headers): FoundCommit | null {
  for (const name of COMMIT_HEADERS) {
    const value = headers.get(name);
    if (looksLikeSha(value)) return { commit: value.trim(), where: `header ${name}` };
  }
  return null;
}

/** The first sha-like value among the fields of a parsed JSON body. */
export function commitInBody(body: unknown): FoundCommit | null {
  for (const { path, steps } of FIELD_STEPS) {
    const value = readJsonPath(body, steps);
    if (looksLikeSha(value)) return { commit: value.trim(), where: path };
  }
  return null;
}
