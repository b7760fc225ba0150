// The short section `init --agents` adds to the repository's agent instructions (AGENTS.md, and
// CLAUDE.md when it exists), as a marked block so that a second run changes nothing.
import { join } from 'node:path';
import { upsertBlock } from '../../hooks/huskyHook.js';
import type { FileChange } from './plan.js';

export const AGENT_BEGIN = '<!-- >>> deploy-watch >>> -->';
export const AGENT_END = '<!-- <<< deploy-watch <<< -->';

export const AGENT_SECTION = [
  `${AGENT_BEGIN}`,
  '## Pushing and deploying (deploy-watch)',
  '',
  'Every push to `main` deploys. Do it like this:',
  '',
  '1. Push with `npx deploy-watch push` (not `git push`): it rebases onto a moved `main`, merges the',
  '   roadmap, changelog and session files itself, retries with backoff, and never force-pushes.',
  '   Exit 0 pushed; 1 a conflict or refusal a human must see (the message lists the files and the',
  '   commands); 10 dirty tree; 11 an operation in progress; 12 detached HEAD; 13 no upstream;',
  '   75 gave up after retries (try again later).',
  '2. Before you call a task done, run `npx deploy-watch check --wait 30 --json` and act on the exit code:',
  '   - 0: deployed. Done.',
  '   - 1: the deployment failed. Read `logTail` and `record.message` in the JSON, fix, push again.',
  '     No `logTail` yet while `record.logs.state` is "fetching": check again in a minute; when it is',
  '     "missing", `npx deploy-watch logs --json` fetches them.',
  '   - 2: still deploying after 30 s. Run the same command again; do not report the task done yet.',
  '   - 3: nobody watched this commit (or the monitor died). Run `npx deploy-watch monitor --detach`,',
  '     then the check again. With `unknown` "start-failed", fix what `message` names first.',
  '3. Never use `git push --force`, and never `git rebase -X ours/theirs` to get past a conflict.',
  AGENT_END,
];

/** AGENTS.md always; CLAUDE.md too when the repository already has one. */
export function planAgentGuides(top: string, read: (file: string) => string | null): FileChange[] {
  const files = ['AGENTS.md', ...(read(join(top, 'CLAUDE.md')) !== null ? ['CLAUDE.md'] : [])];
  return files.map((path) => {
    const before = read(join(top, path));
    return { path, before, after: upsertBlock(before, AGENT_SECTION, AGENT_BEGIN, AGENT_END), what: 'how agents push and check deployments' };
  });
}
