// A small glob matcher for `conflicts.rules` paths, with .gitattributes' reading of a pattern so
// that the push resolver and the git merge drivers pick the same files:
//   a pattern without "/" matches the file name at any depth (`CHANGELOG.md`, `session-*.md`);
//   one with "/" matches from the repository root (`docs/roadmap/**`, `/TODO.md`);
//   `*` and `?` stop at "/", `**` crosses folders (`**/x`, `a/**`, `a/**/b`).

const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  const cached = cache.get(glob);
  if (cached) return cached;
  const pattern = glob.startsWith('/') ? glob.slice(1) : glob;
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' && pattern[i + 1] === '*') {
      const atSegmentStart = i === 0 || pattern[i - 1] === '/';
      if (atSegmentStart && pattern[i + 2] === '/') {
        re += '(?:.*/)?';
        i += 2;
      } else {
        re += '.*';
        i += 1;
      }
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  const compiled = new RegExp(`^${re}$`);
  cache.set(glob, compiled);
  return compiled;
}

/** Whether a repository-relative path (forward slashes) matches the glob. */
export function matchesGlob(path: string, glob: string): boolean {
  const clean = path.replace(/^\.\//, '');
  const anchored = glob.replace(/\/+$/, '').includes('/');
  const subject = anchored ? clean : clean.slice(clean.lastIndexOf('/') + 1);
  return globToRegExp(glob).test(subject);
}
