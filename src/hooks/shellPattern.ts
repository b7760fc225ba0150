// `branchPattern` as the pre-push hook's shell can test it (`grep -E` under LC_ALL=C), for the pushes of
// branches other than the deploy branch: only a pattern both read alike, else null and the push takes the
// Node path. JavaScript and POSIX regular expressions differ in escapes (\d, \w, \b), groups ((?:, (?=),
// lazy quantifiers, backreferences, what `[\]]` means, and how long a backtracking pattern runs (Node
// stops one after PATTERN_BUDGET_MS and says so; grep never backtracks). So the subset read here is small:
// `^` first (one place to start from) and `$` last, literals, `.`, bracket classes of plain characters and
// ranges, one unquantified group of literal alternatives, and at most MAX_QUANTIFIED quantified single
// characters: V8's backtracking then takes at most about alternatives × length² steps, far under its budget
// on the names the shell tests (at most SHELL_NAME_MAX characters of SHELL_NAME_CHARS; any other name takes
// the Node path, since `.` and ranges read bytes in grep and UTF-16 code units in JavaScript).

/** The characters of a branch name the shell tests itself (the hook's `case` spells them out: no ranges). */
export const SHELL_NAME_CHARS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._/-';
export const SHELL_NAME_MAX = 100;
const MAX_QUANTIFIED = 2;
const MAX_ALTERNATIVES = 16;

const LITERAL = /[A-Za-z0-9/_-]/;
const ESCAPABLE = /[.\-/_]/;
const RANGE_ENDS = [/[a-z]/, /[A-Z]/, /[0-9]/];

/** The POSIX ERE that accepts exactly the names `pattern` accepts (among SHELL_NAME_CHARS names), or null. */
export function shellPattern(pattern: string): string | null {
  if (!pattern.startsWith('^')) return null;
  let i = 0;
  let out = '';
  let quantified = 0;
  let depth = 0;
  let groups = 0;
  let alternatives = 0;
  /** Whether the last thing written can take a quantifier: a single character or class, not yet quantified. */
  let atom = false;
  /** Whether the current alternative (since `(`, `|` or the start) has anything in it. */
  let filled = false;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '^') {
      if (i !== 0) return null;
      out += c;
      atom = false;
      i++;
    } else if (c === '$') {
      if (i !== pattern.length - 1 || depth !== 0) return null;
      out += c;
      atom = false;
      i++;
    } else if (c === '(') {
      if (pattern[i + 1] === '?' || depth > 0 || ++groups > 1) return null;
      depth++;
      alternatives = 1;
      out += c;
      atom = filled = false;
      i++;
    } else if (c === ')' || c === '|') {
      if (!filled || depth === 0 || (c === '|' && ++alternatives > MAX_ALTERNATIVES)) return null;
      if (c === ')') depth--;
      out += c;
      atom = false;
      filled = c === ')';
      i++;
    } else if (c === '*' || c === '+' || c === '?' || c === '{') {
      const end = c === '{' ? quantifierEnd(pattern, i) : i + 1;
      if (!atom || depth > 0 || end === null || ++quantified > MAX_QUANTIFIED) return null;
      const after = pattern[end];
      if (after !== undefined && '?+*{'.includes(after)) return null; // lazy, or a quantifier quantified
      out += pattern.slice(i, end);
      atom = false;
      i = end;
    } else if (c === '[') {
      const cls = depth > 0 ? null : bracket(pattern, i);
      if (!cls) return null;
      out += cls.text;
      atom = filled = true;
      i = cls.end;
    } else if (c === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!ESCAPABLE.test(next)) return null;
      out += next === '.' ? '\\.' : next;
      atom = filled = true;
      i += 2;
    } else if ((c === '.' && depth === 0) || LITERAL.test(c)) {
      out += c;
      atom = filled = true;
      i++;
    } else return null;
  }
  return depth === 0 && out !== '' ? out : null;
}

/** Where `{n}`, `{n,}` or `{n,m}` (n ≤ m ≤ SHELL_NAME_MAX) ends, or null. */
function quantifierEnd(pattern: string, at: number): number | null {
  const m = /^\{(\d{1,3})(,(\d{1,3})?)?\}/.exec(pattern.slice(at));
  if (!m) return null;
  const [low, high] = [Number(m[1]), m[3] === undefined ? null : Number(m[3])];
  if (high !== null && (high < low || high > SHELL_NAME_MAX)) return null;
  return at + m[0].length;
}

/** A class of plain characters and ranges within a-z, A-Z or 0-9, `-` first or last; written for grep. */
function bracket(pattern: string, at: number): { text: string; end: number } | null {
  let i = at + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  const items: string[] = [];
  let dash = false;
  while (i < pattern.length && pattern[i] !== ']') {
    const c = pattern[i]!;
    const char = c === '\\' ? (pattern[i + 1] ?? '') : c;
    const width = c === '\\' ? 2 : 1;
    if (c === '\\' && !ESCAPABLE.test(char)) return null;
    if (c !== '\\' && !(LITERAL.test(c) || c === '.')) return null;
    if (char === '-' && (c === '\\' || items.length === 0 || pattern[i + 1] === ']')) {
      dash = true;
      i += width;
    } else if (pattern[i + width] === '-' && pattern[i + width + 1] !== ']' && i + width + 1 < pattern.length) {
      const to = pattern[i + width + 1]!;
      if (c === '\\' || !RANGE_ENDS.some((r) => r.test(char) && r.test(to)) || to < char) return null;
      items.push(`${char}-${to}`);
      i += width + 2;
      // A `-` right after a range ([a-b-c]) is a literal to V8 and an invalid range end to grep.
      if (pattern[i] === '-' && pattern[i + 1] !== ']') return null;
    } else {
      items.push(char);
      i += width;
    }
  }
  if (pattern[i] !== ']' || (items.length === 0 && !dash)) return null;
  return { text: `[${negated ? '^' : ''}${items.join('')}${dash ? '-' : ''}]`, end: i + 1 };
}
