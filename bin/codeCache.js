// Loads one of the CLI's CommonJS bundles with V8's code cache, the way Node 22's module.enableCompileCache()
// does (Node 20 has no such switch). Compiling check's bundle is a good part of its start-up, which agents
// pay after every task: from the cache V8 reads the bytecode of every function the first run compiled.
//
// The cache sits beside the bundle, named after the size, inode and ctime of the file it read (V8 checks only
// the source's length, so a rebuilt bundle must never meet the old cache), written after the first run and again whenever V8
// rejects it (another Node, other flags). An install that cannot be written (a global one owned by root)
// simply has none. Code run from the cache cannot import() on Node 20 (ERR_VM_DYNAMIC_IMPORT_CALLBACK_MISSING
// even with a loader given), so these bundles have none: bundle.mjs turns each into a require().
'use strict';
const { closeSync, fstatSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname } = require('node:path');
const vm = require('node:vm');

/** The bundle's exports, and `keep()`, which writes the cache when there was none to use. */
function requireCached(file) {
  // The key from the same open file as the source: a rebuild between two lookups cannot pair old bytecode
  // with the new bundle's name. ctime and inode, which no copy, tar or npm can set, change with every
  // rebuild and install (npm pack gives every file the same mtime).
  const fd = openSync(file, 'r');
  let source;
  let stat;
  try {
    stat = fstatSync(fd);
    source = readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
  const cacheFile = `${file}.${stat.size}-${stat.ino}-${Math.trunc(stat.ctimeMs)}.v8cache`;
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // none yet: this run writes it
  }
  const script = new vm.Script(Module.wrap(source), { filename: file, cachedData });
  const module = new Module(file, null);
  module.filename = file;
  script.runInThisContext()(module.exports, Module.createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    keep() {
      if (cachedData && !script.cachedDataRejected) return;
      // After the run, so that the cache holds every function it compiled, not only the top level. Made
      // exclusively under a name no other process picks (a PID alone repeats across containers).
      const temporary = `${cacheFile}.${process.pid}-${Math.random().toString(36).slice(2)}.tmp`;
      try {
        writeFileSync(temporary, script.createCachedData(), { flag: 'wx' });
        renameSync(temporary, cacheFile); // whole or not at all, whoever else writes it at the same time
      } catch {
        // A folder we may not write, or a full disk: no cache, the same answers.
        try {
          rmSync(temporary, { force: true });
        } catch {
          // nothing was written there either
        }
      }
    },
  };
}

module.exports = { requireCached };
