// Which conflicted files a merge rule could ever be right for. A rule keeps both sides' lines (union) or
// both sides' checklist items: right for changelogs, lists and notes, where each line stands alone; wrong
// for code, where keeping both sides' lines compiles into nonsense or worse. The push's hint suggests a
// rule only for the first kind.
import { basename, extname } from 'node:path';

const TEXT_EXTENSIONS = new Set(['.md', '.markdown', '.txt', '.rst', '.adoc']);
const LIST_NAMES = /^(changelog|changes|history|news|todo|tasks|roadmap|authors|contributors)(\.[a-z]+)?$/i;

export function isLineMergeable(path: string): boolean {
  const name = basename(path);
  return LIST_NAMES.test(name) || TEXT_EXTENSIONS.has(extname(name).toLowerCase());
}
