// doctor's health check: the endpoint answers, and names a commit. One that names none can only say the app
// is up, never that a commit deployed: a failure when it is the only source, a warning beside one that decides.
import type { Config } from '../../kernel/config/config.js';
import * as msg from '../../kernel/messages.js';
import { COMMIT_FIELDS, COMMIT_HEADERS } from '../../sources/commitFinder.js';
import { decidingSourceConfigured } from '../../sources/configured.js';
import { buildHealthSource } from '../../sources/index.js';
import type { CheckResult } from './checks.js';

const NAME = 'health endpoint';

export async function checkHealth(config: Config, head: string | null): Promise<CheckResult> {
  const source = await buildHealthSource(config);
  if (!source) return { name: NAME, verdict: 'skip', detail: 'not configured', fix: null };
  const seen = await source.observe({ sha: head ?? '0'.repeat(40), branch: null });
  if (seen.kind === 'unavailable' && seen.up) {
    const decides = decidingSourceConfigured(config);
    return {
      name: NAME,
      verdict: decides ? 'warn' : 'fail',
      detail: `up, but names no commit: ${decides ? 'it is only asked when the sources before it cannot answer, and then it cannot decide either' : msg.HEALTH_ONLY_UP}`,
      fix: msg.healthNoCommitFix(COMMIT_HEADERS, COMMIT_FIELDS),
    };
  }
  if (seen.kind === 'unavailable') return { name: NAME, verdict: 'fail', detail: seen.reason, fix: msg.HEALTH_URL_FIX };
  const phase = seen.phase ? `, ${seen.phase}` : '';
  return {
    name: NAME,
    verdict: 'pass',
    detail: `answering (for HEAD: ${seen.state}${phase}); ${seen.message}`,
    fix: null,
  };
}
