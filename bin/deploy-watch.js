#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call, `check` and the background
// watcher take entry points that skip the command table: the first two run on every push and all day, the
// watcher holds what it loads for as long as it follows commits. This file and those entries are CommonJS
// (bin/package.json), so that their start-up never initialises Node's ES module loader; the command table
// (main.js) is an ES module, import()ed.
'use strict';
const argv = process.argv.slice(2);
const ENTRIES = { hook: '../build/cli/hook.cjs', check: '../build/cli/check.cjs', watcher: '../build/cli/watcher.cjs' };
const fast = Object.hasOwn(ENTRIES, argv[0] ?? '') ? ENTRIES[argv[0]] : undefined; // not `toString`

(async () => {
  const code = fast ? await require(fast).runFast(argv) : null;
  if (code !== null) process.exitCode = code;
  else (await import('../build/cli/main.js')).main(argv);
})();
