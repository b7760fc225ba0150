#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call and a plain `check` take
// entry points that skip the command table, because they run on every push and all day.
const argv = process.argv.slice(2);
const fast = { hook: '../build/cli/hook.js', check: '../build/cli/check.js' }[argv[0]];

const code = fast ? await (await import(fast)).runFast(argv) : null;
if (code !== null) process.exitCode = code;
else (await import('../build/cli/main.js')).main(argv);
