#!/usr/bin/env node
// Thin launcher: the CLI is the built JavaScript; no TypeScript at run time.
import { main } from '../build/src/main.js';

main(process.argv.slice(2));
