// The "no lost lines" check run on every merged file before it is staged: each line either side
// added (relative to the base) must be in the result, and each item a side ticked must be ticked.
import { parseTask } from './checklist.js';
import { splitText } from './lineMerge.js';
import type { Strategy } from './strategies.js';

const CONFLICT_MARKER = /^(<{7}|>{7}|={7}|\|{7})( |$)/m;

export function hasConflictMarkers(text: string): boolean {
  return CONFLICT_MARKER.test(text);
}

/** Lines (as the sides wrote them) that the merged text lost; empty when it is complete. */
export function lostLines(strategy: Strategy, base: string, ours: string, theirs: string, merged: string): string[] {
  const identity = (raw: string) => {
    const task = strategy === 'checklist' ? parseTask(raw) : null;
    return task ? `task:${raw.slice(0, raw.length - raw.trimStart().length)}${task.text}` : raw;
  };
  const baseLines = splitText(base).lines;
  const mergedLines = splitText(merged).lines;
  const have = new Set(mergedLines.map(identity));
  const ticked = new Set(mergedLines.filter((l) => parseTask(l)?.checked).map(identity));
  const baseCount = countBy(baseLines.map(identity));
  const baseTicked = new Set(baseLines.filter((l) => parseTask(l)?.checked).map(identity));
  const lost: string[] = [];
  for (const side of [ours, theirs]) {
    const seen = new Map<string, number>();
    for (const raw of splitText(side).lines) {
      const id = identity(raw);
      const n = (seen.get(id) ?? 0) + 1;
      seen.set(id, n);
      const added = n > (baseCount.get(id) ?? 0);
      if (added && !have.has(id)) lost.push(raw);
      else if (
        strategy === 'checklist' &&
        parseTask(raw)?.checked &&
        !baseTicked.has(id) &&
        have.has(id) &&
        !ticked.has(id)
      )
        lost.push(raw);
    }
  }
  return [...new Set(lost)];
}

function countBy(items: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item, (counts.get(item) ?? 0) + 1);
  return counts;
}
