#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call, `check` and the background
// watcher take entry points that skip the command table: the first two run on every push and all day, the
// watcher holds what it loads for as long as it follows commits. This file and those entries are CommonJS
// (bin/package.json), so that their start-up never initialises Node's ES module loader; the command table
// (main.js) is an ES module, import()ed. check and the hook load with V8's code cache (codeCache.js); the
// watcher starts with other V8 flags, which a cache would have to match, and starts once per many checks.
'use strict';
const { join } = require('node:path');
const { requireCached } = require('./codeCache.js');

const argv = process.argv.slice(2);
const ENTRIES = { hook: 'hook.cjs', check: 'check.cjs', watcher: 'watcher.cjs' };
const fast = Object.hasOwn(ENTRIES, argv[0] ?? '') ? join(__dirname, '../build/cli', ENTRIES[argv[0]]) : undefined;

(async () => {
  const entry = !fast ? null : argv[0] === 'watcher' ? { exports: require(fast), keep() {} } : requireCached(fast);
  const code = entry ? await entry.exports.runFast(argv) : null;
  entry?.keep();
  if (code !== null) process.exitCode = code;
  else (await import('../build/cli/main.js')).main(argv);
})();
