// A deterministic race: the remote's pre-receive hook moves main itself (a fast-forward by a
// "racer") for the first N pushes, so those pushes lose exactly as they would to a teammate.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function installRacer(remote: string, races: number): void {
  const hook = join(remote, 'hooks', 'pre-receive');
  writeFileSync(
    hook,
    `#!/bin/sh
cat >/dev/null
n=$(cat '${remote}/racer-count' 2>/dev/null || echo 0); n=$((n+1)); echo $n > '${remote}/racer-count'
[ $n -le ${races} ] || exit 0
# Ref updates are forbidden inside the push's object quarantine; the racer works outside it.
unset GIT_QUARANTINE_PATH GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
export GIT_AUTHOR_NAME=racer GIT_AUTHOR_EMAIL=racer@example.test GIT_COMMITTER_NAME=racer GIT_COMMITTER_EMAIL=racer@example.test
old=$(git rev-parse refs/heads/main)
new=$(echo "racer $n" | git commit-tree "$old^{tree}" -p "$old")
git update-ref refs/heads/main "$new" "$old"
exit 0
`,
  );
  chmodSync(hook, 0o755);
}

export function installRefuser(remote: string, message: string): void {
  const hook = join(remote, 'hooks', 'pre-receive');
  writeFileSync(hook, `#!/bin/sh\ncat >/dev/null\necho '${message}' >&2\nexit 1\n`);
  chmodSync(hook, 0o755);
}
