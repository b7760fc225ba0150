// The README is the front door and docs/ the reference: every relative link between them must lead somewhere,
// every #anchor must name a heading of its page (as GitHub makes them), and every file of this repository
// that the docs name in backticks (src/…, test/…, support/…, bench/…, demo/…, bin/…) must exist, so a
// move or a rename that forgets the docs fails here, naming the page and the stale link or path.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { EXIT_CODES } from '../src/kernel/exitCodes.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PAGES = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const read = (page: string) => readFileSync(join(ROOT, page), 'utf8');

/** The text outside fenced code blocks (links and headings in code are not links and headings). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '');
}

/** GitHub's anchors: lower case, punctuation dropped (`-` and `_` kept), spaces to `-`, repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const m of prose(text).matchAll(/^#{1,6} (.+)$/gm)) {
    const base = m[1]!
      .trim()
      .toLowerCase()
      .replace(/[^\p{L}\p{N} _-]/gu, '')
      .replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every relative link target of a page: [text](target), outside code. */
function links(text: string): string[] {
  const withoutCode = prose(text).replace(/`[^`\n]*`/g, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((t) => !/^[a-z]+:/i.test(t));
}

describe('docs', () => {
  it('GitHub anchors are made the way the check below expects', () => {
    const made = anchors('# Team mode: one poller\n## Running `serve`\n## `deploy-watch check [sha]`\n## A\n## A\n');
    assert.deepEqual([...made], ['team-mode-one-poller', 'running-serve', 'deploy-watch-check-sha', 'a', 'a-1']);
  });

  it('every relative link and #anchor in README.md and docs/ resolves', () => {
    const broken: string[] = [];
    for (const page of PAGES) {
      for (const target of links(read(page))) {
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path === '' ? page : relative(ROOT, join(ROOT, dirname(page), path));
        if (!existsSync(join(ROOT, file))) broken.push(`${page}: ${target} (no file ${file})`);
        else if (anchor !== undefined && file.endsWith('.md') && !anchors(read(file)).has(anchor))
          broken.push(`${page}: ${target} (no heading #${anchor} in ${file})`);
      }
    }
    assert.deepEqual(broken, []);
  });

  it('every file of this repository the docs name exists', () => {
    const stale: string[] = [];
    for (const page of PAGES)
      for (const m of read(page).matchAll(/`((?:src|test|support|bench|demo|bin)\/[\w./-]*\w)`/g))
        if (!existsSync(join(ROOT, m[1]!))) stale.push(`${page}: ${m[1]}`);
    assert.deepEqual(stale, []);
  });

  it('the exit code table in docs/json.md lists every code deploy-watch exits with', () => {
    const text = read('docs/json.md');
    const from = text.indexOf('## Exit codes');
    const table = text.slice(from, text.indexOf('\n## ', from + 1));
    const listed = [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
    assert.deepEqual(
      listed.sort((a, b) => a - b),
      [...new Set(Object.values(EXIT_CODES))].sort((a, b) => a - b),
    );
  });
});
