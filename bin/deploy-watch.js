#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call, `check`, the hand-over
// (`monitor --detach`, the post-push step) and the background watcher take entry points that skip the
// command table: the hook and check run on every push and all day, a hand-over lives until the watcher
// takes its commit (twenty at once for an agent's batch), the watcher as long as it follows commits. This file and those entries are CommonJS
// (bin/package.json), so that their start-up never initialises Node's ES module loader; the command table
// (main.js) is an ES module, import()ed. All but the watcher load with V8's code cache (codeCache.js); the
// watcher starts with other V8 flags, which a cache would have to match, and starts once per many checks.
'use strict';
const { join } = require('node:path');

const argv = process.argv.slice(2);
/** The entry point that may answer this call itself (each hands the call back when it does not). */
function entryOf([command, sub]) {
  if (command === 'check') return 'check.cjs';
  if (command === 'watcher') return 'watcher.cjs';
  if (command === 'monitor' || (command === 'hook' && sub === 'watch')) return 'handOver.cjs';
  if (command === 'hook') return 'hook.cjs';
  return undefined;
}
const fast = entryOf(argv) && join(__dirname, '../build/cli', entryOf(argv));

(async () => {
  const entry = !fast
    ? null
    : argv[0] === 'watcher'
      ? { exports: require(fast), keep() {} }
      : require('./codeCache.js').requireCached(fast);
  const code = entry ? await entry.exports.runFast(argv) : null;
  if (code === null) return (await import('../build/cli/main.js')).main(argv);
  process.exitCode = code;
  entry.keep(); // only after a run the bundle answered: the cache holds what that run compiled
})();
