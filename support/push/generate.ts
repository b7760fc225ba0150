// Seeded generators of three-way inputs for the property tests: task lists, headings, prose.

export type Rnd = () => number;

/** mulberry32: a tiny, well-mixed 32-bit PRNG; the same seed gives the same inputs. */
export function mulberry32(seed: number): Rnd {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rnd: Rnd, items: readonly T[]): T => items[Math.floor(rnd() * items.length)]!;

let counter = 0;
function freshLine(rnd: Rnd, strategy: string, tag: string): string {
  counter++;
  if (strategy === 'checklist' && rnd() < 0.7) return `- [${rnd() < 0.3 ? 'x' : ' '}] ${tag} task ${counter}`;
  // Some lines repeat on purpose (blank lines, separators, the same entry written by both sides).
  return pick(rnd, [
    `${tag} note ${counter}`,
    '',
    '---',
    `- shared entry ${Math.floor(rnd() * 3)}`,
    `## Section ${Math.floor(rnd() * 2)}`,
  ]);
}

export function randomText(rnd: Rnd, strategy: string, tag: string): string {
  const n = Math.floor(rnd() * 12);
  const lines = Array.from({ length: n }, () => freshLine(rnd, strategy, tag));
  return n === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Inserts, deletes, edits and (for checklists) ticks lines of the base. */
export function randomEdit(rnd: Rnd, base: string, strategy: string, tag: string): string {
  const lines = base === '' ? [] : base.slice(0, -1).split('\n');
  const edits = 1 + Math.floor(rnd() * 5);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (lines.length + 1));
    const op = rnd();
    if (op < 0.5 || lines.length === 0) lines.splice(at, 0, freshLine(rnd, strategy, tag));
    else if (op < 0.65) lines.splice(Math.min(at, lines.length - 1), 1);
    else if (op < 0.8) lines[Math.min(at, lines.length - 1)] += ` (edited by ${tag})`;
    else {
      const i = Math.min(at, lines.length - 1);
      lines[i] = lines[i]!.replace('- [ ]', '- [x]');
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}
