// What to put in package.json for deploy-watch itself: the spec this copy was installed from, when it can
// be told. npm records it beside the install: the owning project's package.json (npx's cache folder holds
// one too), else the hidden lockfile node_modules/.package-lock.json (a global install). A copy run from a
// clone is installed from nothing: null, and init says what to install instead.
import { readFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

type Json = Record<string, unknown>;

const readJson = (file: string): Json | null => {
  try {
    const value = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof value === 'object' && value !== null ? (value as Json) : null;
  } catch {
    // missing or malformed JSON: no spec of ours to read, which the caller handles
    return null;
  }
};

/** `root`: this package's folder; `top`: the repository init writes into (a file: spec is made relative to it). */
export function installedSpec(root: string, top: string): string | null {
  if (basename(dirname(root)) !== 'node_modules') return null;
  const owner = dirname(dirname(root));
  const pkg = readJson(join(owner, 'package.json'));
  const listed = [pkg?.dependencies, pkg?.devDependencies, pkg?.optionalDependencies]
    .map((deps) => (deps as Json | undefined)?.['deploy-watch'])
    .find((spec) => typeof spec === 'string');
  const locked = (readJson(join(owner, 'node_modules', '.package-lock.json'))?.packages as Json | undefined)?.[
    'node_modules/deploy-watch'
  ] as Json | undefined;
  const spec = typeof listed === 'string' ? listed : typeof locked?.resolved === 'string' ? locked.resolved : null;
  if (spec === null || !spec.startsWith('file:')) return spec;
  // npm reads a file: spec relative to the package.json that holds it: re-anchor it on the repository's.
  const path = spec.slice('file:'.length);
  const target = isAbsolute(path) ? path : resolve(owner, path);
  const fromTop = relative(top, target);
  return `file:${fromTop.startsWith('.') || isAbsolute(fromTop) ? fromTop : `./${fromTop}`}`;
}
