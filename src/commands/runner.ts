// The contract between the command table and each command's registration: a registration parses argv
// and hands its run function to the Runner, which builds the dependencies and records the exit code.
import type { Command } from 'commander';
import type { Deps } from '../deps.js';

/** Runs a command's implementation with the dependencies built from the global flags. */
export type Runner = (command: Command, run: (deps: Deps) => Promise<number>) => Promise<void>;
