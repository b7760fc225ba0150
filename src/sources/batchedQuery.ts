// The user's database query, asked for many commits in one round trip: each sha goes through it as a
// lateral subquery. `$1` is replaced by the sha's column only where it is a parameter (not inside a
// string, a quoted name, a comment or a dollar-quoted body); any other parameter, or a second statement,
// leaves the query unbatchable and it is asked once per commit as written.

/** How long the source gathers the commits that poll together before it asks (they wake within a few ms). */
export const BATCH_WINDOW_MS = 5;

/** The batched form, taking `$1` as a text[] of shas; null when the query cannot be rewritten safely. */
export function batchedQuery(query: string): string | null {
  const body = query.trim().replace(/;\s*$/, '');
  let out = '';
  let i = 0;
  let usesSha = false;
  while (i < body.length) {
    const rest = body.slice(i);
    const skip = quotedLength(rest);
    if (skip === -1) return null; // unterminated: let the server say what is wrong
    if (skip > 0) {
      out += rest.slice(0, skip);
      i += skip;
      continue;
    }
    const param = /^\$(\d+)/.exec(rest);
    if (param) {
      if (param[1] !== '1') return null;
      out += 'w.sha';
      usesSha = true;
      i += param[0].length;
      continue;
    }
    if (rest[0] === ';') return null;
    out += rest[0];
    i += 1;
  }
  if (!usesSha) return null;
  return (
    'select w.sha, q.* from unnest($1::text[]) with ordinality as w(sha, n) ' +
    // The newline ends a trailing `--` comment of the user's query before the wrapping goes on.
    `left join lateral (select row_number() over () as deploy_watch_row, u.* from (${out}\n) as u) as q on true ` +
    'order by w.n, q.deploy_watch_row'
  );
}

/** The length of a string, quoted name, comment or dollar-quoted body at the start of `text`; 0 if none, -1 if unterminated. */
function quotedLength(text: string): number {
  if (text[0] === "'" || text[0] === '"') {
    const quote = text[0];
    for (let j = 1; j < text.length; j++) {
      if (text[j] !== quote) continue;
      if (text[j + 1] === quote)
        j += 1; // a doubled quote stands for itself
      else return j + 1;
    }
    return -1;
  }
  if (text.startsWith('--')) {
    const end = text.indexOf('\n');
    return end === -1 ? text.length : end;
  }
  if (text.startsWith('/*')) {
    const end = text.indexOf('*/', 2);
    return end === -1 ? -1 : end + 2;
  }
  const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text);
  if (tag) {
    const end = text.indexOf(tag[0], tag[0].length);
    return end === -1 ? -1 : end + tag[0].length;
  }
  return 0;
}
