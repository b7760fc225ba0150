// `branchPattern` is code from the config that runs on every push. A pattern that backtracks (`^(a+)+$`
// against `aaaa…!`) doubles its work with each character: 13 s at 29 characters. Each test here runs
// V8's own RegExp (same syntax, same answers) as a `vm` script whose timeout interrupts it, so a runaway
// pattern ends in PATTERN_BUDGET_MS. The script runs in this context (a new context costs milliseconds
// on every push; this costs about 0.1 ms a test), so the regex and the name pass through a global slot
// that lives only for the test.
import { Script } from 'node:vm';

/** Per test: an ordinary pattern answers in microseconds; a runaway one is stopped here. */
export const PATTERN_BUDGET_MS = 100;

export class PatternTooSlow extends Error {
  constructor(
    readonly pattern: string,
    readonly input: string,
    readonly budgetMs: number,
  ) {
    super(`"branchPattern" took over ${budgetMs} ms on "${input}"`);
  }
}

export interface BranchMatcher {
  /** Whether `name` matches; throws PatternTooSlow when the pattern runs past the budget. */
  test(name: string): boolean;
}

const SLOT = '__deployWatchBranchMatch';
type Slot = { [SLOT]?: { re: RegExp; input: string } };
let timedTest: Script | null = null;

export function boundedMatcher(pattern: string, budgetMs = PATTERN_BUDGET_MS): BranchMatcher {
  const re = new RegExp(pattern);
  return {
    test(input) {
      timedTest ??= new Script(`globalThis.${SLOT}.re.test(globalThis.${SLOT}.input)`);
      const global = globalThis as Slot;
      global[SLOT] = { re, input };
      try {
        return timedTest.runInThisContext({ timeout: budgetMs }) === true;
      } catch (error) {
        if ((error as { code?: string }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT')
          throw new PatternTooSlow(pattern, input, budgetMs);
        throw error;
      } finally {
        delete global[SLOT];
      }
    },
  };
}
