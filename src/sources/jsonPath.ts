// A tiny JSON path for health bodies: `$.a.b`, `$.a[0].b`, `$.a["x-y"]`, `$['x']`. No wildcards or filters:
// a health check names one value, and a small grammar gives clear errors instead of surprises.

export type PathStep = string | number;

const NAME = /^[A-Za-z_$][\w$]*/;
const INDEX = /^\[(\d+)\]/;
const QUOTED = /^\[\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\]/;

/** Parses a path into steps; returns a string saying what is wrong when it is not one. */
export function parseJsonPath(path: string): PathStep[] | string {
  if (!path.startsWith('$')) return 'must start with $ (for example $.version.commit)';
  const steps: PathStep[] = [];
  let rest = path.slice(1);
  while (rest.length > 0) {
    let match: RegExpExecArray | null;
    if (rest.startsWith('.') && (match = NAME.exec(rest.slice(1)))) {
      steps.push(match[0]);
      rest = rest.slice(1 + match[0].length);
    } else if ((match = INDEX.exec(rest))) {
      steps.push(Number(match[1]));
      rest = rest.slice(match[0].length);
    } else if ((match = QUOTED.exec(rest))) {
      steps.push(unescapeQuoted(match[1] ?? match[2] ?? ''));
      rest = rest.slice(match[0].length);
    } else {
      return `cannot be read at "${rest.slice(0, 20)}": use .name, [0] or ["name"] steps`;
    }
  }
  if (steps.length === 0) return 'names the whole body; name a field, for example $.commit';
  return steps;
}

function unescapeQuoted(quoted: string): string {
  return quoted.replace(/\\(.)/g, '$1');
}

/** Follows the steps into a parsed JSON value; undefined when any step is missing. */
export function readJsonPath(value: unknown, steps: readonly PathStep[]): unknown {
  let current: unknown = value;
  for (const step of steps) {
    if (typeof step === 'number') {
      if (!Array.isArray(current) || step >= current.length) return undefined;
      current = current[step];
    } else {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      if (!Object.hasOwn(current, step)) return undefined;
      current = (current as Record<string, unknown>)[step];
    }
  }
  return current;
}
