// The short section `init --agents` adds to the repository's agent instructions (AGENTS.md, and
// CLAUDE.md when it exists), as a marked block so that a second run changes nothing.
import { join } from 'node:path';
import { CHECK_EXIT_ADVICE, PUSH_EXIT_ADVICE } from '../../core/exitCodes.js';
import { upsertBlock } from '../../hooks/huskyHook.js';
import type { FileChange } from './plan.js';

export const AGENT_BEGIN = '<!-- >>> deploy-watch >>> -->';
export const AGENT_END = '<!-- <<< deploy-watch <<< -->';

const pushExits = PUSH_EXIT_ADVICE.map(([code, meaning]) => `${code} ${meaning}`).join('; ');

export const AGENT_SECTION = [
  `${AGENT_BEGIN}`,
  '## Pushing and deploying (deploy-watch)',
  '',
  'Every push to `main` deploys. Do it like this:',
  '',
  '1. Push with `npx deploy-watch push` (not `git push`): it rebases onto a moved `main`, merges the',
  '   roadmap, changelog and session files itself, retries with backoff, and never force-pushes.',
  `   Exit ${pushExits}.`,
  '2. Before you call a task done, run `npx deploy-watch check --wait 30 --json` and act on the exit code:',
  ...CHECK_EXIT_ADVICE.map(([code, advice]) => `   - ${code}: ${advice}`),
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
