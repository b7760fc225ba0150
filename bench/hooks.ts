// What the hooks add to a push: a hooked `git push` (husky runner → .husky/pre-push → deploy-watch hook)
// against the same push with --no-verify, and the difference as a ratio to a bare `node -e 0`.
// Goal: the added time is at most 1.3 × a bare Node start. Medians of interleaved runs, one process.
import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BIN } from '../test/helpers/cli.js';
import { killUnder, makeHookedRepo, processesUnder } from '../test/hooks/hookedRepo.js';
import { compare, fmt, timeCommand } from './timing.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const GOAL = 1.3;

/** The watcher (and any monitor) of the previous push must not share the CPU with the next measurement. */
function quiet(root: string): void {
  const end = Date.now() + 5_000;
  while (processesUnder(root).length > 0 && Date.now() < end) timeCommand('sleep', ['0.02']);
  killUnder(root);
}

const ENTRY = fileURLToPath(new URL('../src/hooks/hookEntry.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.js', import.meta.url));
/** A bin that tries the hook's fast path before the command table (what bin/deploy-watch.js can do). */
const FAST_BIN = `#!/usr/bin/env node
const argv = process.argv.slice(2);
import(${JSON.stringify(ENTRY)}).then(async ({ runHookFast }) => {
  const code = await runHookFast(argv);
  if (code !== null) process.exitCode = code;
  else (await import(${JSON.stringify(MAIN)})).main(argv);
});
`;

const repo = makeHookedRepo();
const shim = join(repo.dir, 'node_modules/.bin/deploy-watch');
const bundled = await bundleHookEntry(join(repo.root, 'hookEntry.bundle.mjs'));
const useBin = (how: 'plain' | 'fast' | 'bundled') => {
  rmSync(shim, { force: true });
  if (how === 'fast') writeFileSync(shim, FAST_BIN, { mode: 0o755 });
  else if (how === 'bundled') writeFileSync(shim, FAST_BIN.replace(JSON.stringify(ENTRY), JSON.stringify(bundled)), { mode: 0o755 });
  else symlinkSync(BIN, shim);
};

/** The fast path as one ESM file (esbuild, a dev dependency): what a bundled bin would load. */
async function bundleHookEntry(outfile: string): Promise<string | null> {
  try {
    const esbuild = (await import('esbuild' as string)) as { build(o: object): Promise<unknown> };
    // import.meta.url moves with the bundle: point the watcher's bin at the real one.
    await esbuild.build({ entryPoints: [ENTRY], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent', define: { 'import.meta.url': JSON.stringify(pathToFileURL(ENTRY).href) } });
    return outfile;
  } catch {
    return null; // no esbuild installed: that line is left out
  }
}
try {
  let n = 0;
  const pushNew = (args: string[], env: NodeJS.ProcessEnv = {}) => {
    repo.commit(`bench ${n++}`, { [`bench-${n}.txt`]: `${n}\n` });
    quiet(repo.root);
    return timeCommand('git', ['push', '-q', ...args, 'origin', 'main'], { cwd: repo.dir, env: { ...repo.env, ...env } });
  };
  const input = `refs/heads/main ${'a'.repeat(40)} refs/heads/main ${'b'.repeat(40)}\n`;
  const medians = compare(
    {
      'node -e 0': () => timeCommand(process.execPath, ['-e', '0']),
      'git push (hooked)': () => (useBin('plain'), pushNew([])),
      'git push (hooked, bin with the hook fast path)': () => (useBin('fast'), pushNew([])),
      ...(bundled ? { 'git push (hooked, fast path bundled)': () => (useBin('bundled'), pushNew([])) } : {}),
      'git push --no-verify': () => pushNew(['--no-verify']),
      'git push (husky runner only: DEPLOY_WATCH=0)': () => pushNew([], { DEPLOY_WATCH: '0' }),
      'deploy-watch hook pre-push (alone, DEPLOY_WATCH=0)': () =>
        timeCommand(process.execPath, [join(repo.dir, 'node_modules/.bin/deploy-watch'), 'hook', 'pre-push', 'origin', repo.remote], { cwd: repo.dir, env: { ...repo.env, DEPLOY_WATCH: '0' }, input }),
    },
    ROUNDS,
  );
  quiet(repo.root);
  const node = medians['node -e 0']!;
  for (const [name, ms] of Object.entries(medians)) console.log(`${name.padEnd(52)} ${fmt(ms)}`);
  for (const variant of ['git push (hooked)', 'git push (hooked, bin with the hook fast path)', 'git push (hooked, fast path bundled)']) {
    if (medians[variant] === undefined) continue;
    const added = medians[variant]! - medians['git push --no-verify']!;
    const ratio = added / node;
    console.log(`${variant}: added ${fmt(added)} = ${ratio.toFixed(2)}× node -e 0 (goal ≤ ${GOAL}×) ${ratio <= GOAL ? 'OK' : 'OVER GOAL'}`);
  }
  console.log(`(${ROUNDS} rounds each, interleaved, medians; load average ${loadavg()[0]!.toFixed(2)} on ${cpus().length} CPUs)`);
} finally {
  killUnder(repo.root);
  repo.cleanup();
}
