// `checklist`: a Markdown task list merged item by item. An item is known by its indent and text,
// not its box, so ticking an item never conflicts with anything; an item ticked on either side
// stays ticked; items added on either side are kept in order; other lines merge like `union`.
import { joinText, mergeLines, splitText, type Line, type Versions } from './lineMerge.js';
import { finalNewline } from './union.js';

const TASK = /^(\s*(?:[-*+]|\d+[.)])\s+\[)([ xX])(\]\s?)(.*)$/;

export interface TaskItem {
  checked: boolean;
  text: string;
}

/** The task item on a line, or null for any other line. */
export function parseTask(raw: string): TaskItem | null {
  const m = TASK.exec(raw);
  return m ? { checked: m[2] !== ' ', text: m[4]!.trimEnd() } : null;
}

function keyOf(raw: string): string {
  const m = TASK.exec(raw);
  // Indent and text identify the item; list marker style and box are presentation.
  return m ? `\u0000task\u0000${/^\s*/.exec(m[1]!)![0]}\u0000${m[4]!.trimEnd()}` : raw;
}

const asLines = (text: string): Line[] => splitText(text).lines.map((raw) => ({ key: keyOf(raw), raw }));

export function mergeChecklist(base: string, ours: string, theirs: string): string {
  const merged = mergeLines(asLines(base), asLines(ours), asLines(theirs)).map(render);
  return joinText(merged, finalNewline(ours, theirs));
}

function render(v: Versions): string {
  const o = v.ours;
  const t = v.theirs;
  if (!o || !t) return (o ?? t ?? v.base)!.raw;
  // Three-way on the line itself: the side that changed it wins; if both did, ticked wins.
  if (v.base && o.raw === v.base.raw) return t.raw;
  if (v.base && t.raw === v.base.raw) return o.raw;
  if (parseTask(t.raw)?.checked && !parseTask(o.raw)?.checked) return tick(o.raw);
  return o.raw;
}

function tick(raw: string): string {
  return raw.replace(TASK, (_all, head: string, _box: string, tail: string, text: string) => `${head}x${tail}${text}`);
}
