// `union`: both sides' added lines, in order (ours, i.e. upstream during a rebase, first), each once.
// For append-mostly files such as session logs and changelogs. Unlike git's merge=union it never
// emits a line twice because a nearby hunk was folded in, and never drops an added line.
import { joinText, mergeLines, splitText, type Line, type Versions } from './lineMerge.js';

const asLines = (text: string): Line[] => splitText(text).lines.map((raw) => ({ key: raw, raw }));

export function mergeUnion(base: string, ours: string, theirs: string): string {
  const merged = mergeLines(asLines(base), asLines(ours), asLines(theirs)).map(pick);
  return joinText(merged, finalNewline(ours, theirs));
}

const pick = (v: Versions): string => (v.ours ?? v.theirs ?? v.base)!.raw;

/** The result ends with a newline when either side's text does (or when both are empty-ended). */
export function finalNewline(ours: string, theirs: string): boolean {
  return splitText(ours).finalNewline || splitText(theirs).finalNewline || (ours === '' && theirs === '');
}
