// npm lifecycle steps that make deploy-watch installable from where it lives (it is on no registry).
// prepare: npm runs it on `npm install` in a clone and when it installs deploy-watch from a git URL
//   (in its own clone, with the dev dependencies). It activates this repository's own hooks (husky, not
//   present everywhere) and builds, unless a build is already there: npm runs it twice for a git
//   dependency, and `npm test`/`npm run build` rebuild in a working clone anyway.
// build-if-stale: `npm run demo` builds only when a source is newer than the last build (a fresh clone's
//   `npm ci` has just built in `prepare`; building again cost the demo half its time).
// prepack/postpack: a package installed from the tarball is already built, and npm 11 flags any
//   `prepare` of a non-registry package as an install script to approve (an error under
//   strict-allow-scripts), so `npm pack` packs a package.json without it and then puts the file back.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const SAVED = '.package.json.before-pack';
const step = process.argv[2];
const sh = (command) => spawnSync(command, { shell: true, stdio: 'inherit' }).status ?? 1;

if (step === 'prepare') {
  sh('husky');
  if (!existsSync('build/cli/main.js')) process.exitCode = sh('npm run build');
} else if (step === 'build-if-stale') {
  if (stale()) process.exitCode = sh('npm run build');
} else if (step === 'prepack') {
  const text = readFileSync('package.json', 'utf8');
  writeFileSync(SAVED, text);
  const pkg = JSON.parse(text);
  delete pkg.scripts.prepare;
  writeFileSync('package.json', `${JSON.stringify(pkg, null, 2)}\n`);
} else if (step === 'postpack' && existsSync(SAVED)) {
  renameSync(SAVED, 'package.json');
}

/** The build's outputs are missing, or older than a file the build reads. */
function stale() {
  const built = ['build/cli/main.js', 'build/demo/run.js'].map((f) => (existsSync(f) ? statSync(f).mtimeMs : -1));
  const oldest = Math.min(...built);
  if (oldest < 0) return true;
  const inputs = ['package.json', 'tsconfig.json', 'bundle.mjs', 'src', 'demo', 'support', 'test', 'bench'];
  return inputs.some((path) => newest(path) > oldest);
}

function newest(path) {
  if (!existsSync(path)) return -1;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}
