import type { Command } from 'commander';
import type { Runner } from '../runner.js';
import { PUSH_TIMEOUT_S, type PostPushFlags, postPushCall } from './postPushCall.js';

export function registerHook(program: Command, runner: Runner): void {
  const hook = program.command('hook').description('git hook entry points (what .husky/pre-push calls)');
  hook
    .command('pre-push')
    .description(
      'branch checks, then arms the post-push step; refs on stdin as git gives them; never waits on the network',
    )
    .argument('<remote>', "the remote's name (or the URL, when the push named no remote)")
    .argument('<url>', "the remote's URL")
    .action(async (remote: string, url: string, _opts: unknown, command: Command) => {
      await runner(command, async (deps) => {
        const input = await (await import('../../hooks/stdin.js')).readStdin();
        return (await import('./index.js')).runPrePush({ remote, url, input }, deps);
      });
    });
  hook
    .command('watch', { hidden: true })
    .description('waits for `git push` to end, then hands the commit to the watcher if the remote accepted it')
    .argument('<sha>', 'the pushed commit (full sha)')
    .requiredOption('--branch <name>', 'the deploy branch')
    .requiredOption('--remote <name>', 'the configured remote')
    .option('--url <url>', 'the URL the push went to, when it named no remote')
    .option('--pid <pid>', 'the git push process')
    .option('--start <stamp>', "that process's start stamp")
    .option('--since <ms>', 'when the hook ran (epoch ms)')
    .option('--timeout <seconds>', 'give up after this long', String(PUSH_TIMEOUT_S))
    .action(async (sha: string, flags: PostPushFlags, command: Command) => {
      const { request, timeout } = postPushCall(sha, flags);
      await runner(command, async (deps) => (await import('./watch.js')).runPostPush(request, timeout, deps));
    });
}
