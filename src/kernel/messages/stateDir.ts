// Messages about the state folder and its files.

export const stateDirUnusable = (dir: string, code: string, detail: string) =>
  `The state folder ${dir} cannot be used (${detail.startsWith(code) ? detail : `${code}: ${detail}`}). ${stateDirFix(dir, code)}`;
/** The fix for a file error in the state folder, by its cause: a full disk is not fixed by chmod. */
export function stateDirFix(dir: string, code: string | undefined): string {
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return `The disk (or your quota) is full: free space on the file system holding ${dir} (see: df -h "${dir}"), or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
  if (code === 'EROFS')
    return `The file system holding ${dir} is mounted read-only: remount it read-write, or point DEPLOY_WATCH_STATE_DIR at a writable folder.`;
  if (code === 'EACCES' || code === 'EPERM')
    return `Make it a folder you can read and write (for example: chmod u+rwx "${dir}"), or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
  return `Make it a folder you can read and write, or point DEPLOY_WATCH_STATE_DIR elsewhere.`;
}

export const linkRefused = (path: string, target: string | null) =>
  target === null
    ? `${path} is not a folder or file that deploy-watch made; it never writes or deletes through something planted in its state folder. Move it away and run the command again.`
    : `${path} is a symbolic link (to ${target}); deploy-watch never writes or deletes through a link in its state folder. Remove the link (rm "${path}") and run the command again.`;
export const stateDirDiskFull = (dir: string) =>
  `The disk that holds the state folder ${dir} is full (ENOSPC): free some space there, or point DEPLOY_WATCH_STATE_DIR at another disk.`;
