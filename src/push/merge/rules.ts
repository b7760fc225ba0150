// Which merge rule, if any, owns a path: the first rule in `conflicts.rules` with a matching glob.
import { matchesGlob } from './glob.js';
import type { Strategy } from './strategies.js';

export interface MergeRule {
  paths: readonly string[];
  strategy: Strategy;
}

export function strategyFor(path: string, rules: readonly MergeRule[]): Strategy | null {
  for (const rule of rules) {
    if (rule.paths.some((glob) => matchesGlob(path, glob))) return rule.strategy;
  }
  return null;
}
