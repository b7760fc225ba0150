// The merge rules by name, for the rebase resolver and the git merge driver.
import { mergeChecklist } from './checklist.js';
import { mergeUnion } from './union.js';

export const STRATEGIES = ['union', 'checklist'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const isStrategy = (name: string): name is Strategy => (STRATEGIES as readonly string[]).includes(name);

export function mergeWith(strategy: Strategy, base: string, ours: string, theirs: string): string {
  return strategy === 'union' ? mergeUnion(base, ours, theirs) : mergeChecklist(base, ours, theirs);
}
