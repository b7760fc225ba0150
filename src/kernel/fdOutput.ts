// stdout and stderr written with writeSync on their file descriptors. process.stdout is built on first
// use, and building it loads Node's streams (and node:net or node:tty under them): ~6 ms of every `check`,
// which writes one line. A write that would block (a descriptor someone made non-blocking) goes on
// through the stream, and so does every write after it, so the order holds.
import { fstatSync, statSync, writeSync } from 'node:fs';
import { isErrno } from './errors.js';
import { createRequire } from 'node:module';

export interface FdOutput {
  write(text: string): void;
  readonly isTTY: boolean;
}

export function fdOutput(fd: 1 | 2, stream: () => NodeJS.WriteStream): FdOutput {
  let viaStream = false;
  let tty: boolean | undefined;
  return {
    write(text) {
      if (viaStream) return void stream().write(text);
      let rest = Buffer.from(text);
      while (rest.length > 0) {
        try {
          rest = rest.subarray(writeSync(fd, rest));
        } catch (error) {
          // The reader has gone (`check | head -1`): nothing left to tell it.
          if (isErrno(error, 'EPIPE')) return;
          if (!isErrno(error, 'EAGAIN')) throw error;
          viaStream = true;
          return void stream().write(rest);
        }
      }
    },
    get isTTY() {
      return (tty ??= isTerminal(fd));
    },
  };
}

/** A terminal, asked of node:tty only for a character device other than /dev/null (tty loads node:net). */
function isTerminal(fd: number): boolean {
  try {
    const stat = fstatSync(fd);
    if (!stat.isCharacterDevice() || stat.rdev === statSync('/dev/null').rdev) return false;
  } catch {
    return false; // closed or unreadable: not a terminal to colour for
  }
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}
