#!/usr/bin/env node
// Thin launcher for the bundled CLI (build/cli). The pre-push hook's exact call takes a fast path that
// skips the command table, because it runs on every push.
const argv = process.argv.slice(2);

if (argv[0] === 'hook' && argv[1] === 'pre-push') {
  const { runHookFast } = await import('../build/cli/hook.js');
  const code = await runHookFast(argv);
  if (code !== null) process.exitCode = code;
  else (await import('../build/cli/main.js')).main(argv);
} else {
  (await import('../build/cli/main.js')).main(argv);
}
