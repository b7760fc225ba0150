// The three-way line merge both rules share. Lines carry a key (what makes two lines "the same
// line") and their raw text; the rule decides how to render a line that both sides hold.
// It never emits conflict markers and never drops a line that either side added.
import { lcsPairs } from './lcs.js';

export interface Line {
  key: string;
  raw: string;
}

/** One output line and every version of it the inputs hold (ours first). */
export interface Versions {
  base?: Line;
  ours?: Line;
  theirs?: Line;
}

type Range = readonly Line[];

export function mergeLines(base: Range, ours: Range, theirs: Range): Versions[] {
  const keys = (lines: Range) => lines.map((l) => l.key);
  const inOurs = matchMap(lcsPairs(keys(base), keys(ours)), base.length);
  const inTheirs = matchMap(lcsPairs(keys(base), keys(theirs)), base.length);
  const out: Versions[] = [];
  let pb = -1;
  let po = -1;
  let pt = -1;
  // Walk the base lines both sides kept (stable anchors); what lies between is a chunk.
  for (let i = 0; i <= base.length; i++) {
    const stable = i === base.length || (inOurs[i]! >= 0 && inTheirs[i]! >= 0);
    if (!stable) continue;
    const jo = i === base.length ? ours.length : inOurs[i]!;
    const jt = i === base.length ? theirs.length : inTheirs[i]!;
    out.push(...mergeChunk(base.slice(pb + 1, i), ours.slice(po + 1, jo), theirs.slice(pt + 1, jt)));
    if (i < base.length) out.push({ base: base[i]!, ours: ours[jo]!, theirs: theirs[jt]! });
    pb = i;
    po = jo;
    pt = jt;
  }
  return onceEach(out, base, ours, theirs);
}

/**
 * A line the base does not have, written by both sides, can be aligned in two different chunks
 * when repeated lines (blank lines, separators) mislead the alignment. Keep it as many times as
 * the side that has it most often, dropping the extra copies that only theirs stood for.
 */
function onceEach(out: Versions[], base: Range, ours: Range, theirs: Range): Versions[] {
  const count = (lines: Range) =>
    lines.reduce((m, l) => m.set(l.key, (m.get(l.key) ?? 0) + 1), new Map<string, number>());
  const inBase = count(base);
  const inOurs = count(ours);
  const inTheirs = count(theirs);
  const emitted = count(out.map((v) => (v.ours ?? v.theirs ?? v.base)!));
  const drop = new Set<number>();
  for (const [key, n] of emitted) {
    if (inBase.has(key)) continue;
    let excess = n - Math.max(inOurs.get(key) ?? 0, inTheirs.get(key) ?? 0);
    for (let k = out.length - 1; k >= 0 && excess > 0; k--) {
      const v = out[k]!;
      if (v.ours || !v.theirs || v.theirs.key !== key) continue;
      // Whatever that copy said (a ticked box) is handed to an ours copy that has no theirs yet.
      const host = out.find((h) => h.ours?.key === key && !h.theirs);
      if (host) host.theirs = v.theirs;
      drop.add(k);
      excess--;
    }
  }
  return drop.size === 0 ? out : out.filter((_v, k) => !drop.has(k));
}

function matchMap(pairs: Array<[number, number]>, length: number): Int32Array {
  const map = new Int32Array(length).fill(-1);
  for (const [i, j] of pairs) map[i] = j;
  return map;
}

const sameRaw = (x: Range, y: Range) => x.length === y.length && x.every((l, k) => l.raw === y[k]!.raw);

function mergeChunk(base: Range, ours: Range, theirs: Range): Versions[] {
  if (sameRaw(ours, base)) return theirs.map((t) => ({ theirs: t }));
  if (sameRaw(theirs, base)) return ours.map((o) => ({ ours: o }));
  if (sameRaw(ours, theirs)) return ours.map((o, k) => ({ ours: o, theirs: theirs[k]! }));
  return bothChanged(base, ours, theirs);
}

/** Both sides changed this region: keep every added line once, in order (ours first). */
function bothChanged(base: Range, ours: Range, theirs: Range): Versions[] {
  const keys = (lines: Range) => lines.map((l) => l.key);
  const oursBase = new Map(lcsPairs(keys(ours), keys(base)));
  const theirsBase = new Map(lcsPairs(keys(theirs), keys(base)));
  const pairs = lcsPairs(keys(ours), keys(theirs));
  const paired = new Set(pairs.map(([a]) => a));
  // A line both sides added but that the alignment could not pair is still kept only once.
  const addedByOurs = new Map<string, number>();
  ours.forEach((o, k) => oursBase.has(k) || paired.has(k) || addedByOurs.set(o.key, (addedByOurs.get(o.key) ?? 0) + 1));
  const out: Versions[] = [];
  // A base line one side kept as it was and the other removed stays removed;
  // one that its side touched (same key, different text, e.g. a ticked box) is kept.
  const keepOurs = (k: number) => {
    const b = oursBase.get(k);
    if (b === undefined || ours[k]!.raw !== base[b]!.raw) out.push({ ours: ours[k]! });
  };
  const keepTheirs = (k: number) => {
    const b = theirsBase.get(k);
    const t = theirs[k]!;
    if (b === undefined) {
      const seen = addedByOurs.get(t.key) ?? 0;
      if (seen > 0) addedByOurs.set(t.key, seen - 1);
      else out.push({ theirs: t });
    } else if (t.raw !== base[b]!.raw) out.push({ theirs: t });
  };
  let oi = 0;
  let ti = 0;
  for (const [a, b] of [...pairs, [ours.length, theirs.length] as [number, number]]) {
    for (; oi < a; oi++) keepOurs(oi);
    for (; ti < b; ti++) keepTheirs(ti);
    if (a < ours.length) {
      const bo = oursBase.get(a);
      const sameBase = bo !== undefined && bo === theirsBase.get(b);
      out.push({ base: sameBase ? base[bo]! : undefined, ours: ours[a]!, theirs: theirs[b]! });
      oi = a + 1;
      ti = b + 1;
    }
  }
  return out;
}

export interface SplitText {
  lines: string[];
  finalNewline: boolean;
}

export function splitText(text: string): SplitText {
  if (text === '') return { lines: [], finalNewline: false };
  const finalNewline = text.endsWith('\n');
  return { lines: (finalNewline ? text.slice(0, -1) : text).split('\n'), finalNewline };
}

export function joinText(lines: readonly string[], finalNewline: boolean): string {
  if (lines.length === 0) return '';
  return lines.join('\n') + (finalNewline ? '\n' : '');
}
