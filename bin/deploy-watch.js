#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call, a plain `check` and the
// background watcher take entry points that skip the command table: the first two run on every push and
// all day, the watcher holds what it loads for as long as it follows commits.
const argv = process.argv.slice(2);
const ENTRIES = { hook: '../build/cli/hook.js', check: '../build/cli/check.js', watcher: '../build/cli/watcher.js' };
const fast = Object.hasOwn(ENTRIES, argv[0] ?? '') ? ENTRIES[argv[0]] : undefined; // not `toString`

const code = fast ? await (await import(fast)).runFast(argv) : null;
if (code !== null) process.exitCode = code;
else (await import('../build/cli/main.js')).main(argv);
