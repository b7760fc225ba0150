// Adds husky (dev dependency + `prepare` script) to package.json, keeping the file's own indentation,
// key order and line endings; an already set-up file is returned unchanged, byte for byte.
export const HUSKY_RANGE = '^9.1.7';

export interface PackageEdit {
  text: string;
  /** What was added, for the report (empty: nothing to do). */
  added: string[];
}

type Json = Record<string, unknown>;

export function addHusky(text: string | null): PackageEdit {
  if (text === null) {
    const pkg = { private: true, scripts: { prepare: 'husky' }, devDependencies: { husky: HUSKY_RANGE } };
    return { text: `${JSON.stringify(pkg, null, 2)}\n`, added: ['new, private'] };
  }
  const pkg = JSON.parse(text) as Json;
  if (typeof pkg !== 'object' || pkg === null || Array.isArray(pkg))
    throw new Error('package.json does not hold a JSON object');
  const added: string[] = [];
  const deps = (pkg.dependencies ?? {}) as Json;
  const devDeps = (pkg.devDependencies ?? {}) as Json;
  if (!('husky' in deps) && !('husky' in devDeps)) {
    pkg.devDependencies = { ...devDeps, husky: HUSKY_RANGE };
    added.push(`devDependencies.husky ${HUSKY_RANGE}`);
  }
  const scripts = (pkg.scripts ?? {}) as Json;
  const prepare = scripts.prepare;
  if (typeof prepare !== 'string' || !/\bhusky\b/.test(prepare)) {
    const value = typeof prepare === 'string' && prepare.trim() !== '' ? `${prepare} && husky` : 'husky';
    pkg.scripts = { ...scripts, prepare: value };
    added.push(`scripts.prepare "${value}"`);
  }
  if (added.length === 0) return { text, added };
  return { text: stringifyLike(pkg, text), added };
}

/** True when package.json lists deploy-watch (the hook runs the copy npm installs from it). */
export function listsDeployWatch(text: string): boolean {
  const pkg = JSON.parse(text) as Json;
  return [pkg.dependencies, pkg.devDependencies, pkg.optionalDependencies].some(
    (deps) => typeof deps === 'object' && deps !== null && 'deploy-watch' in deps,
  );
}

/**
 * Adds deploy-watch to devDependencies with the spec it was installed from, so `npm install` in any clone
 * puts the hook's deploy-watch in place; unchanged when it is listed already or the spec is unknown.
 */
export function addDeployWatch(edit: PackageEdit, spec: string | null): PackageEdit {
  if (spec === null || listsDeployWatch(edit.text)) return edit;
  const pkg = JSON.parse(edit.text) as Json;
  pkg.devDependencies = { ...((pkg.devDependencies ?? {}) as Json), 'deploy-watch': spec };
  return { text: stringifyLike(pkg, edit.text), added: [...edit.added, `devDependencies.deploy-watch ${spec}`] };
}

/** JSON.stringify with the indentation and line ending the file already uses. */
function stringifyLike(value: unknown, original: string): string {
  const indent = /^([ \t]+)"/m.exec(original)?.[1] ?? '  ';
  const eol = original.includes('\r\n') ? '\r\n' : '\n';
  const body = JSON.stringify(value, null, indent).replace(/\n/g, eol);
  return /\r?\n\s*$/.test(original) ? `${body}${eol}` : body;
}
